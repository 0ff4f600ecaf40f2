"""The static corpus in typecheck/: mypy (with the equinox plugin) and pyright
must report exactly the errors marked in each file, and Pyrefly and ty exactly
the pinned exceptions marked in pass/ and reveal/ (see typecheck/README.md).

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
from typing import Any

import pytest
from mypy import api as mypy_api

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "typecheck"
FOLDERS = ("pass", "reveal", "fail")
FILES = sorted(p for folder in FOLDERS for p in (CORPUS / folder).glob("*.py"))
MARKER = re.compile(r"#\s*E:(?P<body>[^#]*)$")

# (line, code) pairs
Diagnostics = set[tuple[int, str]]


TOOLS = ("mypy", "pyright", "pyrefly", "ty")
# Pyrefly and ty check pass/ and reveal/ only: fail/ pins mypy's and pyright's
# messages, which the others word and place differently.
EXTRA_TOOLS = ("pyrefly", "ty")


@dataclass(frozen=True)
class Expected:
    mypy: Diagnostics
    pyright: Diagnostics
    pyrefly: Diagnostics
    ty: Diagnostics


def _codes(text: str) -> set[str]:
    return {code.strip() for code in text.split(",") if code.strip()}


def _tool_of(part: str) -> tuple[str, str]:
    """`"pyright: a, b"` -> ("pyright", " a, b"); a part naming no tool is mypy's."""
    head, sep, rest = part.partition(":")
    if sep and head.strip() in TOOLS[1:]:
        return head.strip(), rest
    if sep:
        raise ValueError(f"unknown tool {head.strip()!r} (expected one of {TOOLS})")
    return "mypy", part


def parse_markers(source: str) -> Expected:
    """The `# E: ...` markers of a file (grammar in typecheck/README.md)."""
    found: dict[str, Diagnostics] = {tool: set() for tool in TOOLS}
    for number, line in enumerate(source.splitlines(), start=1):
        match = MARKER.search(line)
        if match is None:
            continue
        for index, part in enumerate(match.group("body").split(";")):
            try:
                tool, codes = _tool_of(part)
            except ValueError as error:
                raise ValueError(f"line {number}: {error}: {line!r}") from None
            if tool == "mypy" and index > 0:
                raise ValueError(f"line {number}: mypy codes come first: {line!r}")
            found[tool] |= {(number, code) for code in _codes(codes)}
        if not any(n == number for pairs in found.values() for n, _ in pairs):
            raise ValueError(f"line {number}: marker lists no code: {line!r}")
    return Expected(**found)


@dataclass(frozen=True)
class Reports:
    mypy: dict[Path, Diagnostics]
    pyright: dict[Path, Diagnostics]
    pyrefly: dict[Path, Diagnostics]
    ty: dict[Path, Diagnostics]
    # Full messages, shown when a comparison fails.
    messages: dict[tuple[str, Path, int], list[str]]


def _executable(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    found = found or shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is not installed: pip install -e '.[dev]'")
    return found


def _extra_commands(files: list[Path]) -> dict[str, list[str]]:
    """Pyrefly and ty as `eqx-typecheck --checkers pyrefly,ty` runs them."""
    paths = [str(f) for f in files if f.parent.name != "fail"]
    return {
        "pyrefly": [
            _executable("pyrefly"),
            "check",
            "--preset",
            "strict",
            "--output-format",
            "json",
            "--python-interpreter-path",
            sys.executable,
            *paths,
        ],
        "ty": [
            _executable("ty"),
            "check",
            "--output-format",
            "gitlab",
            "--python",
            sys.executable,
            "--project",
            str(ROOT),
            *paths,
        ],
    }


def _extra_reports(
    done: dict[str, tuple[int, str, str]],
    messages: dict[tuple[str, Path, int], list[str]],
) -> dict[str, dict[Path, Diagnostics]]:
    """Parse Pyrefly's JSON and ty's GitLab report; a run that did not
    complete (exit other than 0/1, unreadable report) fails the session."""
    results: dict[str, dict[Path, Diagnostics]] = {}
    for tool, (status, out, err) in done.items():
        if status not in (0, 1):
            raise RuntimeError(f"{tool} failed (exit {status}):\n{out}\n{err}")
        report: Any = json.loads(out)
        if tool == "pyrefly":
            records = [
                (e["path"], e["line"], e["name"], e["concise_description"])
                for e in report["errors"]
                if e["severity"] == "error"
            ]
        else:
            records = [
                (
                    i["location"]["path"],
                    i["location"]["positions"]["begin"]["line"],
                    i["check_name"],
                    i["description"],
                )
                for i in report
                if i["severity"] == "major"
            ]
        if (status == 1) != bool(records):
            raise RuntimeError(f"{tool}: exit {status} with {len(records)} errors")
        found: dict[Path, Diagnostics] = {}
        for file, line, code, message in records:
            path = (ROOT / str(file)).resolve()
            found.setdefault(path, set()).add((int(line), str(code)))
            messages.setdefault((tool, path, int(line)), []).append(
                f"{message} [{code}]"
            )
        results[tool] = found
    return results


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


def _start(command: list[str]) -> "subprocess.Popen[str]":
    return subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _collect(files: list[Path]) -> Reports:
    pyright = _start([_executable("pyright"), "--outputjson", *map(str, files)])
    # Pyrefly and ty take seconds; they run while mypy does.
    extra = {tool: _start(cmd) for tool, cmd in _extra_commands(files).items()}
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
    extra_done: dict[str, tuple[int, str, str]] = {}
    for tool, process in extra.items():
        out, err = process.communicate()
        extra_done[tool] = (process.returncode, out, err)
    extras = _extra_reports(extra_done, messages)
    return Reports(mypy, pyright_found, extras["pyrefly"], extras["ty"], messages)


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


CASES = [
    pytest.param(path, tool, id=f"{_ids(path)}-{tool}")
    for path in FILES
    for tool in TOOLS
    if not (path.parent.name == "fail" and tool in EXTRA_TOOLS)
]


@pytest.mark.parametrize(("path", "tool"), CASES)
def test_corpus_file(path: Path, tool: str, reports: Reports) -> None:
    expected_all = parse_markers(path.read_text())
    expected: Diagnostics = getattr(expected_all, tool)
    if path.parent.name != "fail" and tool not in EXTRA_TOOLS:
        assert not expected, f"{_ids(path)}: {tool} markers belong in fail/ only"
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
    assert parsed.pyrefly == parsed.ty == set()
    with pytest.raises(ValueError, match="line 1"):
        parse_markers("x = 1  # E: ")


def test_marker_grammar_pinned_exceptions() -> None:
    source = "\n".join(
        [
            "a = f()  # E: pyrefly: bad-index, assert-type",
            "b = g()  # E: ty: type-assertion-failure; pyrefly: bad-index",
        ]
    )
    parsed = parse_markers(source)
    assert parsed.pyrefly == {(1, "bad-index"), (1, "assert-type"), (2, "bad-index")}
    assert parsed.ty == {(2, "type-assertion-failure")}
    assert parsed.mypy == parsed.pyright == set()
    with pytest.raises(ValueError, match="unknown tool 'pytype'"):
        parse_markers("x = 1  # E: pytype: bad")
    with pytest.raises(ValueError, match="mypy codes come first"):
        parse_markers("x = 1  # E: ty: a; arg-type")
