"""`python -m equinox.typecheck`: the user's gate over mypy + pyright (and
Pyrefly and ty on request). A checker that did not run must never read as a
clean result. Install layouts (wheel, editable) are in test_install_layouts.py.
"""

import os
import stat
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from equinox import typecheck
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


def test_all_four_checkers_merge_into_one_report(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["bad.py", "--checkers", "mypy,pyright,pyrefly,ty"])
    out = capsys.readouterr().out
    assert status == 1, out
    wrong_arg = [line for line in out.splitlines() if line.startswith("bad.py:18:")]
    assert len(wrong_arg) == 1, out
    for code in (
        "mypy: arg-type",
        "pyright: reportArgumentType",
        "pyrefly: bad-argument-type",
        "ty: invalid-argument-type",
    ):
        assert code in wrong_arg[0], out
    assert "(mypy: 2, pyright: 1, pyrefly: 1, ty: 1)" in out.splitlines()[-1]


def test_all_four_checkers_pass_a_clean_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["good.py", "--checkers", "pyrefly,ty"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert out.splitlines()[-1] == "Success: no issues found by pyrefly and ty."


def test_unknown_checker_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["good.py", "--checkers", "mypy,pytype"])
    assert exit_info.value.code == 2
    assert "mypy,pytype" in capsys.readouterr().err


# ----------------------------------------------- a checker that did not run


def _fake_tool(directory: Path, name: str, stdout: str, status: int) -> None:
    """An executable `name` that prints `stdout` (and a line on stderr)."""
    script = directory / name
    script.write_text(
        "#!/bin/sh\n"
        f"cat <<'REPORT'\n{stdout}\nREPORT\n"
        f"echo '{name}: something went wrong' >&2\n"
        f"exit {status}\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def fake_tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where `_fake_tool` scripts go; the gate finds its checkers there."""
    tools = tmp_path / "fake-bin"
    tools.mkdir()

    def executable(name: str) -> str:
        path = tools / name
        if not path.exists():
            raise typecheck.ToolError(f"{name} is not installed (pip install {name})")
        return str(path)

    monkeypatch.setattr(typecheck, "_executable", executable)
    return tools


PYRIGHT_CLEAN = '{"summary": {"filesAnalyzed": 1}, "generalDiagnostics": []}'


@pytest.mark.parametrize(
    ("tool", "stdout", "status", "why"),
    [
        ("pyright", "", 0, "unreadable report"),
        ("pyright", "Segmentation fault", 1, "unreadable report"),
        ("pyright", PYRIGHT_CLEAN, 1, "exit 1 but no errors reported"),
        ("pyright", PYRIGHT_CLEAN, 3, "did not run to completion"),
        (
            "pyright",
            '{"summary": {"filesAnalyzed": 0}, "generalDiagnostics": []}',
            0,
            "no file was analysed",
        ),
        ("pyrefly", "thread main panicked", 101, "unreadable report"),
        ("pyrefly", '{"errors": []}', 1, "exit 1 but no errors reported"),
        ("pyrefly", '{"problems": []}', 0, "unreadable report"),
        ("ty", "[]", 2, "did not run to completion"),
        ("ty", '{"issues": []}', 0, "unreadable report"),
    ],
)
def test_checker_failure_is_exit_2_with_its_message(
    project: Path,
    fake_tools: Path,
    capsys: pytest.CaptureFixture[str],
    tool: str,
    stdout: str,
    status: int,
    why: str,
) -> None:
    _fake_tool(fake_tools, tool, stdout, status)
    assert main(["good.py", "--checkers", tool]) == 2
    captured = capsys.readouterr()
    assert "Success" not in captured.out
    assert f"eqx-typecheck: {tool} failed" in captured.err
    assert why in captured.err
    assert f"{tool}: something went wrong" in captured.err  # its own message


def test_missing_requested_checker_is_exit_2(
    project: Path, fake_tools: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _fake_tool(fake_tools, "pyright", PYRIGHT_CLEAN, 0)
    assert main(["good.py", "--checkers", "pyright,ty"]) == 2
    captured = capsys.readouterr()
    assert "ty is not installed (pip install ty)" in captured.err
    assert "Success" not in captured.out


def test_mypy_refusing_to_run_is_exit_2(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # What happened from a wheel install: a search path inside site-packages.
    # mypy exits 1 (as for errors) with no error records.
    site_packages = sysconfig.get_paths()["purelib"]
    (project / "mypy.ini").write_text(f"[mypy]\nmypy_path = {site_packages}\n")
    assert main(["good.py", "--checkers", "mypy"]) == 2
    captured = capsys.readouterr()
    assert "mypy failed (exit 1 but no errors reported, exit 1)" in captured.err
    assert "is in the MYPYPATH. Please remove it." in captured.err
    assert "Success" not in captured.out


def test_mypy_bad_config_is_exit_2(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "mypy.ini").write_text("[mypy]\nplugins = no_such_plugin_module\n")
    assert main(["good.py", "--checkers", "mypy"]) == 2
    err = capsys.readouterr().err
    assert "mypy failed" in err and "no_such_plugin_module" in err


def test_project_config_is_found_from_a_subdirectory(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Run from src/, the project's own mypy config (one directory up) is the
    # one mypy uses, as mypy itself would find it; the gate must not replace
    # it with its strict default. A config that cannot load proves which one ran.
    (project / "mypy.ini").write_text("[mypy]\nplugins = no_such_plugin_module\n")
    (project / "src").mkdir()
    (project / "src" / "good.py").write_text(GOOD)
    monkeypatch.chdir(project / "src")
    assert main(["good.py", "--checkers", "mypy"]) == 2
    assert "no_such_plugin_module" in capsys.readouterr().err
