"""Rules of the naming family: stage and link names: duplicates and the names the canvas gave."""
