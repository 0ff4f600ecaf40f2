"""The examples run end to end and print what they promise (each in a fresh
interpreter, as the README runs them)."""

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _run(name: str) -> str:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_quickstart_loss_falls() -> None:
    out = _run("quickstart.py")
    assert "final loss" in out


def test_train_digits_reaches_97_percent() -> None:
    out = _run("train_digits.py")
    line = next(x for x in out.splitlines() if x.startswith("test accuracy"))
    accuracy = float(line.split()[2].rstrip("%"))
    assert accuracy >= 97.0, line


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("stateful.py", "test accuracy (running statistics)"),
        ("data_parallel.py", "data-parallel result matches the single-device"),
    ],
)
def test_example_reports(name: str, expected: str) -> None:
    assert expected in _run(name)
