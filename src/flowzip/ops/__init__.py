"""Archive-to-archive operations: import and export (:mod:`.transfer`), batch transforms from recipes
(:mod:`.transform`) and per-environment overlays (:mod:`.overlay`)."""
