"""The static corpus in typecheck/: mypy (with the equinox plugin) and pyright
must report exactly the errors marked in each file (see typecheck/README.md).

Each tool runs once over the whole corpus (session fixture); the tests then
compare file by file.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from mypy import api as mypy_api

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "typecheck"
FOLDERS = ("pass", "reveal", "fail")
FILES = sorted(p for folder in FOLDERS for p in (CORPUS / folder).glob("*.py"))
MARKER = re.compile(r"#\s*E:(?P<body>[^#]*)$")

# (line, code) pairs
Diagnostics = set[tuple[int, str]]


@dataclass(frozen=True)
class Expected:
    mypy: Diagnostics
    pyright: Diagnostics


def _codes(text: str) -> set[str]:
    return {code.strip() for code in text.split(",") if code.strip()}


def parse_markers(source: str) -> Expected:
    """The `# E: ...` markers of a file (grammar in typecheck/README.md)."""
    mypy: Diagnostics = set()
    pyright: Diagnostics = set()
    for number, line in enumerate(source.splitlines(), start=1):
        match = MARKER.search(line)
        if match is None:
            continue
        for part in match.group("body").split(";"):
            head, sep, rules = part.partition("pyright:")
            if sep:
                if head.strip():
                    raise ValueError(f"line {number}: text before 'pyright:': {line!r}")
                pyright |= {(number, rule) for rule in _codes(rules)}
            else:
                mypy |= {(number, code) for code in _codes(part)}
        if not any(n == number for n, _ in mypy | pyright):
            raise ValueError(f"line {number}: marker lists no code: {line!r}")
    return Expected(mypy, pyright)


@dataclass(frozen=True)
class Reports:
    mypy: dict[Path, Diagnostics]
    pyright: dict[Path, Diagnostics]
    # Full messages, shown when a comparison fails.
    messages: dict[tuple[str, Path, int], list[str]]


def _pyright_executable() -> str:
    found = shutil.which("pyright", path=str(Path(sys.executable).parent))
    found = found or shutil.which("pyright")
    if found is None:
        raise RuntimeError("pyright is not installed: pip install -e '.[dev]'")
    return found


def _mypy_cache_dir() -> str:
    default = ROOT / ".mypy_cache" / "typecheck-corpus"
    return os.environ.get("EQX_CORPUS_MYPY_CACHE", str(default))


def run_mypy(files: list[Path], cache_dir: str) -> list[dict[str, object]]:
    """mypy --strict with the project config (plugin on) over `files`, as JSON
    records; raises on a crash or a usage error."""
    previous = Path.cwd()
    os.chdir(ROOT)
    # Plugin bugs must fail here, not be swallowed as they are for users.
    debug = os.environ.get("EQX_MYPY_PLUGIN_DEBUG")
    os.environ["EQX_MYPY_PLUGIN_DEBUG"] = "1"
    try:
        stdout, stderr, status = mypy_api.run(
            [
                "--config-file",
                str(ROOT / "pyproject.toml"),
                "--strict",
                "--cache-dir",
                cache_dir,
                "--output",
                "json",
                *map(str, files),
            ]
        )
    finally:
        os.chdir(previous)
        if debug is None:
            del os.environ["EQX_MYPY_PLUGIN_DEBUG"]
        else:
            os.environ["EQX_MYPY_PLUGIN_DEBUG"] = debug
    if status not in (0, 1) or "INTERNAL ERROR" in stdout + stderr:
        raise RuntimeError(f"mypy failed (status {status}):\n{stdout}\n{stderr}")
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


def _collect(files: list[Path]) -> Reports:
    pyright = subprocess.Popen(
        [_pyright_executable(), "--outputjson", *map(str, files)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    messages: dict[tuple[str, Path, int], list[str]] = {}
    mypy: dict[Path, Diagnostics] = {}
    # fail/ may reuse a module name of pass/ or reveal/ (mypy names a module
    # after its file), so it gets its own run; the shared cache keeps the
    # second run cheap.
    groups = [
        [f for f in files if f.parent.name != "fail"],
        [f for f in files if f.parent.name == "fail"],
    ]
    records = [
        r for group in groups if group for r in run_mypy(group, _mypy_cache_dir())
    ]
    for record in records:
        if record.get("severity") != "error":
            continue
        path = (ROOT / str(record["file"])).resolve()
        line = int(str(record["line"]))
        code = str(record.get("code") or "misc")
        mypy.setdefault(path, set()).add((line, code))
        messages.setdefault(("mypy", path, line), []).append(
            f"{record['message']} [{code}]"
        )
    out, err = pyright.communicate()
    try:
        report = json.loads(out)
    except json.JSONDecodeError as error:
        raise RuntimeError(f"pyright gave no JSON report:\n{out}\n{err}") from error
    pyright_found: dict[Path, Diagnostics] = {}
    for diag in report["generalDiagnostics"]:
        if diag["severity"] != "error":
            continue
        path = Path(diag["file"]).resolve()
        line = diag["range"]["start"]["line"] + 1
        rule = diag.get("rule", "error")
        pyright_found.setdefault(path, set()).add((line, rule))
        messages.setdefault(("pyright", path, line), []).append(
            f"{diag['message']} [{rule}]"
        )
    return Reports(mypy, pyright_found, messages)


@pytest.fixture(scope="session")
def reports() -> Iterator[Reports]:
    yield _collect(FILES)


def _explain(tool: str, path: Path, pairs: Diagnostics, reports: Reports) -> str:
    lines = []
    for line, code in sorted(pairs):
        found = reports.messages.get((tool, path, line), [])
        lines.append(f"  line {line} [{code}]: {' | '.join(found) or '(not reported)'}")
    return "\n".join(lines)


def _ids(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


@pytest.mark.parametrize("tool", ["mypy", "pyright"])
@pytest.mark.parametrize("path", FILES, ids=_ids)
def test_corpus_file(path: Path, tool: str, reports: Reports) -> None:
    expected_all = parse_markers(path.read_text())
    expected: Diagnostics = getattr(expected_all, tool)
    if path.parent.name != "fail":
        assert not expected, f"{_ids(path)}: markers belong in typecheck/fail/ only"
    found = getattr(reports, tool).get(path.resolve(), set())
    missing = expected - found
    unexpected = found - expected
    assert not missing and not unexpected, (
        f"{tool} on {_ids(path)}:\n"
        f"marked but not reported:\n{_explain(tool, path, missing, reports)}\n"
        f"reported but not marked:\n{_explain(tool, path, unexpected, reports)}"
    )


def test_every_corpus_file_is_strict() -> None:
    for path in FILES:
        first = path.read_text().splitlines()[:1]
        assert first == ["# pyright: strict"], (
            f"{_ids(path)} must start with '# pyright: strict'"
        )


def test_corpus_file_names_are_unique() -> None:
    # mypy names each file's module after the file alone, and the repository
    # gate checks pass/ and reveal/ in one run.
    names = [path.name for path in FILES if path.parent.name != "fail"]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    assert not duplicates, f"rename: {duplicates} appear in both pass/ and reveal/"


def test_marker_grammar() -> None:
    source = "\n".join(
        [
            "a = 1  # E: eqx-frozen",
            "b = 2  # E: arg-type, call-arg; pyright: reportArgumentType",
            "c = 3  # noqa  # E: pyright: reportCallIssue",
            "d = 4  # no marker here",
        ]
    )
    parsed = parse_markers(source)
    assert parsed.mypy == {(1, "eqx-frozen"), (2, "arg-type"), (2, "call-arg")}
    assert parsed.pyright == {(2, "reportArgumentType"), (3, "reportCallIssue")}
    with pytest.raises(ValueError, match="line 1"):
        parse_markers("x = 1  # E: ")
