"""`python -m equinox.typecheck PATH...` (console script `eqx-typecheck`).

Runs mypy (with the equinox plugin) and pyright over the given paths, both in
strict mode unless the project configures them itself, and optionally Pyrefly
(its strict preset unless configured) and ty (`--checkers
mypy,pyright,pyrefly,ty`), all at once, and prints one merged report:
one entry per offending line, naming the tools and codes that flagged it, then
a summary line. Exit status: 0 clean, 1 errors found, 2 a tool could not run.

A checker that did not run is never read as a clean result: every checker's
exit status and output are validated (an error status must come with errors,
a report must parse), and anything else is exit status 2 with the checker's
own message.
"""

import argparse
import concurrent.futures
import configparser
import dataclasses
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, cast

__all__ = ["CHECKERS", "DEFAULT_CHECKERS", "Diagnostic", "ToolError", "main", "merge"]

CHECKERS: tuple[str, ...] = ("mypy", "pyright", "pyrefly", "ty")
# mypy carries the plugin; pyright is what most editors run. Pyrefly and ty are
# on request: each adds its own view, and a missing one would fail the gate.
DEFAULT_CHECKERS: tuple[str, ...] = ("mypy", "pyright")


@dataclasses.dataclass(frozen=True)
class Diagnostic:
    """One error reported by one tool."""

    tool: str
    path: str
    line: int
    column: int
    message: str
    code: str


class ToolError(Exception):
    """A checker crashed, is missing, or gave output we cannot read."""


# ------------------------------------------------------------------ locations


def _stub_dir() -> Path | None:
    """Stubs shipped with equinox (`equinox/_stubs`, in every install layout)."""
    candidate = Path(__file__).resolve().parent / "_stubs"
    return candidate if candidate.is_dir() else None


def _scratch_stubs(scratch: Path) -> Path | None:
    """A copy of the stubs outside site-packages: mypy refuses a search path
    inside site-packages ("... is in the MYPYPATH. Please remove it.")."""
    stubs = _stub_dir()
    if stubs is None:
        return None
    copy = scratch / "stubs"
    if not copy.is_dir():
        shutil.copytree(stubs, copy)
    return copy


def _executable(name: str) -> str:
    """`name` next to this interpreter (its virtual environment), else on PATH."""
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    found = found or shutil.which(name)
    if found is None:
        raise ToolError(f"{name} is not installed (pip install {name})")
    return found


def _relative(path: str, root: Path) -> str:
    resolved = (root / path).resolve()
    try:
        return str(resolved.relative_to(root.resolve()))
    except ValueError:
        return str(resolved)


# ---------------------------------------------------------------- user config


def _upwards(root: Path) -> Iterator[Path]:
    """`root`, then its parents up to the repository root: where the checkers
    look for their configuration when run from `root`."""
    for directory in (root, *root.parents):
        yield directory
        if (directory / ".git").exists() or (directory / ".hg").exists():
            return


def _pyproject_tools(directory: Path) -> dict[str, object]:
    pyproject = directory / "pyproject.toml"
    if not pyproject.is_file():
        return {}
    tool: object = tomllib.loads(pyproject.read_text()).get("tool", {})
    return cast("dict[str, object]", tool) if isinstance(tool, dict) else {}


def _mypy_config_in(directory: Path) -> bool:
    if any((directory / name).is_file() for name in ("mypy.ini", ".mypy.ini")):
        return True
    if "mypy" in _pyproject_tools(directory):
        return True
    setup_cfg = directory / "setup.cfg"
    if setup_cfg.is_file():
        parser = configparser.ConfigParser()
        parser.read(setup_cfg)
        return parser.has_section("mypy")
    return False


def _has_mypy_config(root: Path) -> bool:
    return any(_mypy_config_in(d) for d in _upwards(root))


def _has_pyright_config(root: Path) -> bool:
    return any(
        (d / "pyrightconfig.json").is_file() or "pyright" in _pyproject_tools(d)
        for d in _upwards(root)
    )


def _has_pyrefly_config(root: Path) -> bool:
    return any(
        (d / "pyrefly.toml").is_file() or "pyrefly" in _pyproject_tools(d)
        for d in _upwards(root)
    )


def _default_mypy_config(scratch: Path) -> Path:
    lines = ["[mypy]", "strict = True", "plugins = equinox.mypy"]
    stubs = _scratch_stubs(scratch)
    if stubs is not None:
        lines.append(f"mypy_path = {stubs}")
    path = scratch / "mypy.ini"
    path.write_text("\n".join(lines) + "\n")
    return path


def _default_pyright_config(scratch: Path, root: Path, paths: Sequence[str]) -> Path:
    config: dict[str, object] = {
        "typeCheckingMode": "strict",
        # pyright only accepts paths relative to the config file.
        "include": [os.path.relpath((root / p).resolve(), scratch) for p in paths],
        "extraPaths": [str(root)],
        "pythonVersion": f"{sys.version_info.major}.{sys.version_info.minor}",
    }
    stubs = _scratch_stubs(scratch)
    if stubs is not None:
        config["stubPath"] = str(stubs)
    path = scratch / "pyrightconfig.json"
    path.write_text(json.dumps(config))
    return path


# ------------------------------------------------------------------- running


def _run(tool: str, command: list[str], root: Path) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            command, cwd=root, capture_output=True, text=True, check=False
        )
    except OSError as error:
        raise ToolError(f"{tool} could not be started: {error}") from error


def _failed(tool: str, done: subprocess.CompletedProcess[str], why: str) -> ToolError:
    output = (done.stdout + done.stderr).strip() or "(no output)"
    return ToolError(f"{tool} failed ({why}, exit {done.returncode}):\n{output}")


def _check_status(
    tool: str, done: subprocess.CompletedProcess[str], found: Sequence[Diagnostic]
) -> list[Diagnostic]:
    """Every checker here exits 0 when clean and 1 when it reports errors; any
    other status, or a status that disagrees with the report, means it did not
    check what we asked."""
    if done.returncode == 0 and not found:
        return list(found)
    if done.returncode == 1 and found:
        return list(found)
    if done.returncode in (0, 1):
        why = "errors but exit 0" if found else "exit 1 but no errors reported"
        raise _failed(tool, done, why)
    raise _failed(tool, done, "it did not run to completion")


def _read(
    tool: str,
    done: subprocess.CompletedProcess[str],
    parse: Callable[[str], list[Diagnostic]],
) -> list[Diagnostic]:
    """`parse(stdout)`, validated against the exit status; a report of any
    other shape than expected is a failure, never an empty result."""
    try:
        found = parse(done.stdout)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise _failed(tool, done, f"unreadable report: {error!r}") from None
    return _check_status(tool, done, found)


def _parse_mypy(stdout: str, root: Path) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for line in stdout.splitlines():
        if not line.startswith("{"):
            continue
        record: Any = json.loads(line)
        if record["severity"] != "error":
            continue
        found.append(
            Diagnostic(
                tool="mypy",
                path=_relative(str(record["file"]), root),
                line=int(record["line"]),
                column=int(record.get("column") or 0) + 1,
                message=str(record["message"]),
                code=str(record.get("code") or "misc"),
            )
        )
    return found


def run_mypy(paths: Sequence[str], root: Path, scratch: Path) -> list[Diagnostic]:
    if importlib.util.find_spec("mypy") is None:
        raise ToolError(
            f"mypy is not installed for {sys.executable} (pip install mypy)"
        )
    command = [sys.executable, "-m", "mypy", "--output", "json"]
    if not _has_mypy_config(root):
        command += ["--config-file", str(_default_mypy_config(scratch))]
    command += list(paths)  # cache: mypy's default, or $MYPY_CACHE_DIR
    done = _run("mypy", command, root)
    if "INTERNAL ERROR" in done.stdout + done.stderr:
        raise _failed("mypy", done, "internal error")
    return _read("mypy", done, lambda out: _parse_mypy(out, root))


def _parse_pyright(stdout: str, root: Path) -> list[Diagnostic]:
    report: Any = json.loads(stdout)
    if not report["summary"]["filesAnalyzed"]:
        raise ValueError("no file was analysed")
    found: list[Diagnostic] = []
    for diag in report["generalDiagnostics"]:
        if diag["severity"] != "error":
            continue
        start = diag["range"]["start"]
        found.append(
            Diagnostic(
                tool="pyright",
                path=_relative(str(diag["file"]), root),
                line=int(start["line"]) + 1,
                column=int(start["character"]) + 1,
                message=" ".join(str(diag["message"]).split()),
                code=str(diag.get("rule", "error")),
            )
        )
    return found


def run_pyright(paths: Sequence[str], root: Path, scratch: Path) -> list[Diagnostic]:
    command = [_executable("pyright"), "--outputjson", "--pythonpath", sys.executable]
    if _has_pyright_config(root):
        command += list(paths)
    else:
        command += ["--project", str(_default_pyright_config(scratch, root, paths))]
    done = _run("pyright", command, root)
    return _read("pyright", done, lambda out: _parse_pyright(out, root))


def _parse_pyrefly(stdout: str, root: Path) -> list[Diagnostic]:
    report: Any = json.loads(stdout)
    return [
        Diagnostic(
            tool="pyrefly",
            path=_relative(str(error["path"]), root),
            line=int(error["line"]),
            column=int(error["column"]),
            message=str(error.get("concise_description") or error["description"]),
            code=str(error["name"]),
        )
        for error in report["errors"]
        if error["severity"] == "error"
    ]


def run_pyrefly(paths: Sequence[str], root: Path, scratch: Path) -> list[Diagnostic]:
    del scratch  # Pyrefly needs no stubs
    command = [
        _executable("pyrefly"),
        "check",
        "--output-format",
        "json",
        "--python-interpreter-path",
        sys.executable,
    ]
    if not _has_pyrefly_config(root):
        # Unconfigured, Pyrefly picks a lenient preset ("basic" misses even a
        # str passed for an int); the gate is strict unless told otherwise.
        command += ["--preset", "strict"]
    command += list(paths)
    done = _run("pyrefly", command, root)
    return _read("pyrefly", done, lambda out: _parse_pyrefly(out, root))


# ty's GitLab code-quality report: errors are "major", warnings "minor".
_TY_ERROR_SEVERITIES = frozenset({"major", "critical", "blocker"})


def _parse_ty(stdout: str, root: Path) -> list[Diagnostic]:
    report: Any = json.loads(stdout)
    found: list[Diagnostic] = []
    for issue in report:  # anything but a list of issues raises here
        if issue["severity"] not in _TY_ERROR_SEVERITIES:
            continue
        code = str(issue["check_name"])
        begin = issue["location"]["positions"]["begin"]
        found.append(
            Diagnostic(
                tool="ty",
                path=_relative(str(issue["location"]["path"]), root),
                line=int(begin["line"]),
                column=int(begin["column"]),
                message=str(issue["description"]).removeprefix(f"{code}: "),
                code=code,
            )
        )
    return found


def run_ty(paths: Sequence[str], root: Path, scratch: Path) -> list[Diagnostic]:
    del scratch
    command = [
        _executable("ty"),
        "check",
        "--output-format",
        "gitlab",
        "--python",
        sys.executable,
        "--project",
        str(root),
        *paths,
    ]
    done = _run("ty", command, root)
    return _read("ty", done, lambda out: _parse_ty(out, root))


_RUNNERS: dict[str, Callable[[Sequence[str], Path, Path], list[Diagnostic]]] = {
    "mypy": run_mypy,
    "pyright": run_pyright,
    "pyrefly": run_pyrefly,
    "ty": run_ty,
}


# -------------------------------------------------------------------- report


def merge(diagnostics: Sequence[Diagnostic]) -> list[str]:
    """One entry per (file, line): the first message, then every tool's codes.

    The tools usually flag the same mistake on the same line, so reporting
    the line once keeps the report as long as the list of mistakes.
    """
    groups: dict[tuple[str, int], list[Diagnostic]] = {}
    for diag in sorted(
        set(diagnostics),
        key=lambda d: (d.path, d.line, CHECKERS.index(d.tool), d.column),
    ):
        groups.setdefault((diag.path, diag.line), []).append(diag)
    entries: list[str] = []
    for (path, line), group in groups.items():
        first = group[0]
        codes: list[str] = []
        for diag in group:
            code = f"{diag.tool}: {diag.code}"
            if code not in codes:
                codes.append(code)
        entry = f"{path}:{line}:{first.column}: error: {first.message}  [{', '.join(codes)}]"
        extra = sorted({d.message for d in group} - {first.message})
        entries.append("\n".join([entry, *(f"    also: {m}" for m in extra)]))
    return entries


def _checker_list(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in CHECKERS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"expected a comma-separated list of {', '.join(CHECKERS)}; got {text!r}"
        )
    return list(dict.fromkeys(names))


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="eqx-typecheck",
        description=(
            "Type-check with mypy (equinox plugin) and pyright, strict by default;"
            " optionally Pyrefly and ty too."
        ),
    )
    parser.add_argument("paths", nargs="+", help="files or directories to check")
    parser.add_argument(
        "--checkers",
        type=_checker_list,
        default=list(DEFAULT_CHECKERS),
        help=f"comma-separated, from {','.join(CHECKERS)} (default: "
        f"{','.join(DEFAULT_CHECKERS)}); a requested checker that is missing "
        "is an error",
    )
    parser.add_argument("--no-mypy", action="store_true", help="skip mypy")
    parser.add_argument("--no-pyright", action="store_true", help="skip pyright")
    return parser.parse_args(argv)


def _run_all(
    tools: Sequence[str], paths: Sequence[str], root: Path
) -> list[Diagnostic]:
    """Every checker at once (each is a separate process); once all have
    finished, any failure (all of them, each with its own message) is raised."""
    with tempfile.TemporaryDirectory(prefix="eqx-typecheck-") as scratch_dir:
        scratch = Path(scratch_dir)
        _scratch_stubs(scratch)  # before the threads: they share the copy
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(tools)) as pool:
            futures = [pool.submit(_RUNNERS[t], paths, root, scratch) for t in tools]
            concurrent.futures.wait(futures)
    failures = [f.exception() for f in futures if f.exception() is not None]
    if failures:
        raise ToolError("\n".join(str(error) for error in failures))
    return [diag for future in futures for diag in future.result()]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the gate; returns the exit status (0 clean, 1 errors, 2 tool failure)."""
    args = _parse_args(argv)
    tools = [
        tool
        for tool in args.checkers
        if not (tool == "mypy" and args.no_mypy)
        and not (tool == "pyright" and args.no_pyright)
    ]
    root = Path.cwd()
    missing = [p for p in args.paths if not (root / p).exists()]
    if missing:
        print(f"eqx-typecheck: no such path: {', '.join(missing)}", file=sys.stderr)
        return 2
    if not tools:
        print("eqx-typecheck: every checker was switched off", file=sys.stderr)
        return 2
    try:
        diagnostics = _run_all(tools, args.paths, root)
    except (ToolError, OSError) as error:  # OSError: the scratch folder
        print(f"eqx-typecheck: {error}", file=sys.stderr)
        return 2
    entries = merge(diagnostics)
    for entry in entries:
        print(entry)
    files = len({d.path for d in diagnostics})
    per_tool = ", ".join(f"{t}: {sum(d.tool == t for d in diagnostics)}" for t in tools)
    if entries:
        print(f"Found {len(entries)} error lines in {files} file(s) ({per_tool}).")
        return 1
    print(f"Success: no issues found by {_joined(tools)}.")
    return 0


def _joined(names: Sequence[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} and {names[-1]}"


if __name__ == "__main__":
    sys.exit(main())
