"""Rules of the schema family: documents checked against the pipeline-flow JSON Schemas."""
