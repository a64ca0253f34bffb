"""Rules of the parameters family: parameter references, unused parameters and encrypted values in clear."""
