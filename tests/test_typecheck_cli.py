"""`python -m equinox.typecheck`: the user's gate over mypy + pyright."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from equinox.typecheck import Diagnostic, main, merge

ROOT = Path(__file__).resolve().parent.parent

GOOD = """\
import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class Scale(eqx.Module):
    factor: Array

    def __call__(self, x: Array) -> Array:
        return self.factor * x


def apply(model: Scale, x: Array) -> Array:
    return model(x)


print(apply(Scale(jnp.asarray(2.0)), jnp.ones(3)))
"""

BAD = """\
import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class Scale(eqx.Module):
    factor: Array

    def reset(self) -> None:
        self.factor = jnp.asarray(1.0)


def apply(model: Scale, x: Array) -> Array:
    return model.factor * x


apply(Scale(jnp.asarray(2.0)), "not an array")
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "bad.py").write_text(BAD)
    monkeypatch.chdir(tmp_path)
    # Share mypy's cache between runs: the checked files change, jax does not.
    monkeypatch.setenv("MYPY_CACHE_DIR", str(ROOT / ".mypy_cache" / "cli-test"))
    return tmp_path


def test_clean_file_passes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["good.py"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "Success: no issues found by mypy and pyright." in out


def test_bad_file_fails_with_merged_report(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["bad.py"])
    out = capsys.readouterr().out
    assert status == 1, out
    lines = out.splitlines()
    frozen = [line for line in lines if line.startswith("bad.py:11:")]
    assert len(frozen) == 1 and "mypy: eqx-frozen" in frozen[0], out
    # One entry for the line both tools flag, naming both tools' codes.
    wrong_arg = [line for line in lines if line.startswith("bad.py:18:")]
    assert len(wrong_arg) == 1, out
    assert (
        "mypy: arg-type" in wrong_arg[0]
        and "pyright: reportArgumentType" in wrong_arg[0]
    )
    assert lines[-1].startswith(
        "Found 2 error lines in 1 file(s) (mypy: 2, pyright: 1)"
    )


def test_missing_path_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["nowhere.py"]) == 2
    assert "no such path: nowhere.py" in capsys.readouterr().err


def test_merge_deduplicates_by_line() -> None:
    diags = [
        Diagnostic("mypy", "a.py", 3, 5, "Bad argument", "arg-type"),
        Diagnostic("mypy", "a.py", 3, 5, "Bad argument", "arg-type"),
        Diagnostic(
            "pyright", "a.py", 3, 5, "Argument of type int", "reportArgumentType"
        ),
        Diagnostic("pyright", "a.py", 1, 1, "Import cycle", "reportImportCycles"),
    ]
    entries = merge(diags)
    assert entries[0] == "a.py:1:1: error: Import cycle  [pyright: reportImportCycles]"
    assert entries[1].splitlines() == [
        "a.py:3:5: error: Bad argument  [mypy: arg-type, pyright: reportArgumentType]",
        "    also: Argument of type int",
    ]
    assert len(entries) == 2


def test_module_entry_point(project: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "equinox.typecheck", "bad.py", "--no-pyright"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ},
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "mypy: eqx-frozen" in done.stdout
