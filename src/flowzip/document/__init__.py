"""Pure functions on raw JSON documents: one home for each fact about the format.

Nothing here knows an archive: these modules take parsed documents (``dict`` and
``list`` as JSON gives them) and return facts or change them in place.  The
pipeline-flow document (:mod:`.pipeline`), the kind of document each folder holds
(:mod:`.kinds`), jobs (:mod:`.jobs`), the manifest (:mod:`.manifest`), parameters
(:mod:`.parameters`), references between assets (:mod:`.references`), compiled
binaries (:mod:`.binaries`), integrity (:mod:`.integrity`), layout (:mod:`.layout`),
JSON Patch (:mod:`.patch`) and the stage catalog (:mod:`.catalog`).
"""
