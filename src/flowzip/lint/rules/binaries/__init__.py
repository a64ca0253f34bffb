"""Rules of the binaries family: compiled binaries (px_executables) that no longer match their flows."""
