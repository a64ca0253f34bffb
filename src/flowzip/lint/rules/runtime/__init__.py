"""Rules of the runtime family: runtime settings kept in jobs."""
