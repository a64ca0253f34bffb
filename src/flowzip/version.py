"""flowzip's version and published addresses, in a module of its own so that every layer can read them without
importing the package."""

from __future__ import annotations

from importlib import metadata

__version__ = "0.1.0"


def documentation_url() -> str | None:
    """The address of flowzip's ``docs/`` folder as published, from the installed package's metadata
    (``[project.urls] Documentation`` in pyproject.toml), or None when it declares none: reports then
    point nowhere rather than at a made-up address."""
    try:
        entries = metadata.metadata("flowzip").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    for entry in entries:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "documentation" and url.strip().startswith(("https://", "http://")):
            return url.strip().rstrip("/")
    return None
