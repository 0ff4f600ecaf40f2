"""`python -m equinox.typecheck PATH...` (console script `eqx-typecheck`).

Runs mypy (with the equinox plugin) and pyright over the given paths, both in
strict mode unless the project configures them itself, and prints one merged
report: one entry per offending line, naming the tools and codes that flagged
it, then a summary line. Exit status: 0 clean, 1 errors found, 2 a tool could
not run.
"""

import argparse
import configparser
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Sequence
from pathlib import Path

__all__ = ["Diagnostic", "main", "merge"]


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


def _stub_dir() -> Path | None:
    """Stubs shipped with equinox (`equinox/_stubs` in a wheel, `stubs/` in a
    source checkout)."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "_stubs", package.parent / "stubs"):
        if candidate.is_dir():
            return candidate
    return None


def _has_mypy_config(root: Path) -> bool:
    for name in ("mypy.ini", ".mypy.ini"):
        if (root / name).is_file():
            return True
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        tool = tomllib.loads(pyproject.read_text()).get("tool", {})
        if "mypy" in tool:
            return True
    setup_cfg = root / "setup.cfg"
    if setup_cfg.is_file():
        parser = configparser.ConfigParser()
        parser.read(setup_cfg)
        if parser.has_section("mypy"):
            return True
    return False


def _has_pyright_config(root: Path) -> bool:
    if (root / "pyrightconfig.json").is_file():
        return True
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        return "pyright" in tomllib.loads(pyproject.read_text()).get("tool", {})
    return False


def _default_mypy_config(directory: Path) -> Path:
    stubs = _stub_dir()
    lines = ["[mypy]", "strict = True", "plugins = equinox.mypy"]
    if stubs is not None:
        lines.append(f"mypy_path = {stubs}")
    path = directory / "mypy.ini"
    path.write_text("\n".join(lines) + "\n")
    return path


def _default_pyright_config(directory: Path, root: Path, paths: Sequence[str]) -> Path:
    config: dict[str, object] = {
        "typeCheckingMode": "strict",
        # pyright only accepts paths relative to the config file.
        "include": [os.path.relpath((root / p).resolve(), directory) for p in paths],
        "extraPaths": [str(root)],
        "pythonVersion": f"{sys.version_info.major}.{sys.version_info.minor}",
    }
    stubs = _stub_dir()
    if stubs is not None:
        config["stubPath"] = str(stubs)
    path = directory / "pyrightconfig.json"
    path.write_text(json.dumps(config))
    return path


def _relative(path: str, root: Path) -> str:
    resolved = (root / path).resolve()
    try:
        return str(resolved.relative_to(root))
    except ValueError:
        return str(resolved)


def run_mypy(paths: Sequence[str], root: Path, scratch: Path) -> list[Diagnostic]:
    command = [sys.executable, "-m", "mypy", "--output", "json"]
    if not _has_mypy_config(root):
        command += ["--config-file", str(_default_mypy_config(scratch))]
    command += list(paths)  # cache: mypy's default, or $MYPY_CACHE_DIR
    done = subprocess.run(
        command, cwd=root, capture_output=True, text=True, check=False
    )
    if done.returncode not in (0, 1) or "INTERNAL ERROR" in done.stdout + done.stderr:
        raise ToolError(
            f"mypy failed (exit {done.returncode}):\n{done.stdout}{done.stderr}"
        )
    found: list[Diagnostic] = []
    for line in done.stdout.splitlines():
        if not line.startswith("{"):
            continue
        record = json.loads(line)
        if record.get("severity") != "error":
            continue
        found.append(
            Diagnostic(
                tool="mypy",
                path=_relative(record["file"], root),
                line=int(record["line"]),
                column=int(record.get("column") or 0) + 1,
                message=record["message"],
                code=record.get("code") or "misc",
            )
        )
    return found


def _pyright_command() -> list[str]:
    found = shutil.which("pyright", path=str(Path(sys.executable).parent))
    found = found or shutil.which("pyright")
    if found is None:
        raise ToolError("pyright is not installed (pip install pyright)")
    return [found]


def run_pyright(paths: Sequence[str], root: Path, scratch: Path) -> list[Diagnostic]:
    command = [*_pyright_command(), "--outputjson", "--pythonpath", sys.executable]
    if _has_pyright_config(root):
        command += list(paths)
    else:
        command += ["--project", str(_default_pyright_config(scratch, root, paths))]
    done = subprocess.run(
        command, cwd=root, capture_output=True, text=True, check=False
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError as error:
        raise ToolError(
            f"pyright failed (exit {done.returncode}):\n{done.stdout}{done.stderr}"
        ) from error
    found: list[Diagnostic] = []
    for diag in report.get("generalDiagnostics", []):
        if diag.get("severity") != "error":
            continue
        start = diag["range"]["start"]
        found.append(
            Diagnostic(
                tool="pyright",
                path=_relative(diag["file"], root),
                line=int(start["line"]) + 1,
                column=int(start["character"]) + 1,
                message=" ".join(diag["message"].split()),
                code=diag.get("rule", "error"),
            )
        )
    return found


def merge(diagnostics: Sequence[Diagnostic]) -> list[str]:
    """One entry per (file, line): the first message, then every tool's codes.

    Both tools usually flag the same mistake on the same line, so reporting
    the line once keeps the report as long as the list of mistakes.
    """
    groups: dict[tuple[str, int], list[Diagnostic]] = {}
    for diag in sorted(
        set(diagnostics), key=lambda d: (d.path, d.line, d.tool, d.column)
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


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="eqx-typecheck",
        description="Type-check with mypy (equinox plugin) and pyright, strict by default.",
    )
    parser.add_argument("paths", nargs="+", help="files or directories to check")
    parser.add_argument("--no-mypy", action="store_true", help="skip mypy")
    parser.add_argument("--no-pyright", action="store_true", help="skip pyright")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the gate; returns the exit status (0 clean, 1 errors, 2 tool failure)."""
    args = _parse_args(argv)
    root = Path.cwd()
    missing = [p for p in args.paths if not (root / p).exists()]
    if missing:
        print(f"eqx-typecheck: no such path: {', '.join(missing)}", file=sys.stderr)
        return 2
    diagnostics: list[Diagnostic] = []
    tools: list[str] = []
    with tempfile.TemporaryDirectory(prefix="eqx-typecheck-") as scratch:
        try:
            if not args.no_mypy:
                tools.append("mypy")
                diagnostics += run_mypy(args.paths, root, Path(scratch))
            if not args.no_pyright:
                tools.append("pyright")
                diagnostics += run_pyright(args.paths, root, Path(scratch))
        except ToolError as error:
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
    print(f"Success: no issues found by {' and '.join(tools) or 'no tool'}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
