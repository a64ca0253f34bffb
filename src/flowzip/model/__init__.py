"""Typed views over an archive's documents: assets, their relations, flows with their stages, links and
comments, runtime settings, and the :class:`~flowzip.model.archive.Archive` with the SDK's flow verbs."""
