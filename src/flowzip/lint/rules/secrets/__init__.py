"""Rules of the secrets family: secrets stored in clear."""
