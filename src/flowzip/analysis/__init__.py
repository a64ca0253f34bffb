"""What flowzip tells about archives without changing them: semantic diff (:mod:`.diff`), pictures of
flows (:mod:`.picture`) and the summaries behind ``ls``, ``show`` and ``check`` (:mod:`.summary`)."""
