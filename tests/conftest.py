"""Fixtures shared across the suite."""

import subprocess
import sys
from pathlib import Path

import pytest

# The libraries built on Equinox, pinned; their other dependencies are the
# `compat` extra (part of `dev`).
ECOSYSTEM_PINS = [
    "diffrax==0.7.2",
    "optimistix==0.1.0",
    "lineax==0.1.1",
    "flowjax==19.1.2",
    "quax==0.4.6",
    "paramax==0.0.5",
]


@pytest.fixture(scope="session")
def ecosystem_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the pinned ecosystem (`pip install --no-deps`), to put
    on PYTHONPATH next to this package. Installed once per session; a failed
    install fails the tests that need it (they must not pass unrun)."""
    target = tmp_path_factory.mktemp("ecosystem")
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps"]
    result = subprocess.run(
        [*pip, "--target", str(target), *ECOSYSTEM_PINS],
        capture_output=True,
        text=True,
        timeout=900,
    )
    if result.returncode != 0:
        pytest.fail(f"could not install the ecosystem: {result.stderr[-2000:]}")
    return target
