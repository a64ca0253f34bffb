"""Rules of the archive family: the archive as a container and its manifest: what the platform's import reads first."""
