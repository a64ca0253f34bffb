"""The packaging layer: members of a ZIP, a folder tree or a single file, read and written.

Nothing here knows what a flow is; :mod:`flowzip.model` builds the document
model on top (as python-pptx keeps ``opc`` apart from its document model).
"""
