"""The official SDK's BatchFlow for tests that use the SDK as the producer (offline, no project)."""

from __future__ import annotations

import logging
import os
import warnings
from typing import Any

import pytest


def sdk_batch_flow() -> Any:
    """A new, empty BatchFlow of the SDK (ibm-watsonx-data-integration, in the test extra); in CI its absence
    is a failure, elsewhere a skip."""
    try:
        from ibm_watsonx_data_integration.services.datastage.models.flow import BatchFlow
    except ImportError:  # pragma: no cover - the test extra installs it
        if os.environ.get("CI"):
            pytest.fail("the official SDK is not installed: pip install '.[test]'")
        pytest.skip("the official SDK is not installed")
    warnings.filterwarnings("ignore")
    logging.getLogger("ibm_watsonx_data_integration").setLevel(logging.ERROR)
    return BatchFlow(project=None, name="p", description="")
