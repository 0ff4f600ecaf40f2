"""The documentation site builds with `mkdocs build --strict`, its API
reference renders every public name, and every runnable code block of the
README and of the guides runs.

Code-block convention: a ```` ```python ```` block runs; the blocks of one
page run in order in one fresh interpreter (later blocks see earlier names).
An HTML comment on the line just above the fence changes that:
`<!-- no-run -->` (shown only: e.g. code that mypy rejects) or
`<!-- requires: MODULE -->` (runs only where MODULE can be imported; the
ecosystem libraries are installed next to this package for the test when pip
can, as in tests/compat/test_ecosystem.py).
"""

import importlib
import importlib.machinery
import importlib.util
import json
import os
import re
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PACKAGES = {
    "equinox": "api/equinox",
    "equinox.nn": "api/nn",
    "equinox.debug": "api/debug",
    "equinox.internal": "api/internal",
}
# A fence may be indented (inside a list item); its code is dedented.
FENCE = re.compile(r"^( *)```python\s*\n(.*?)^\1```\s*$", re.MULTILINE | re.DOTALL)
DIRECTIVE = re.compile(r"<!-- (no-run|requires: ([\w.]+)) -->\s*$")


def exported_names(package: str) -> list[str]:
    """Every public name a user can import from `package` (not submodules)."""
    module = importlib.import_module(package)
    if hasattr(module, "__all__"):
        names = list(module.__all__)
    else:
        names = [
            n
            for n in dir(module)
            if not n.startswith("_")
            and str(getattr(getattr(module, n), "__module__", "")).startswith("equinox")
        ]
    return [n for n in names if not isinstance(getattr(module, n), types.ModuleType)]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return out


def test_site_builds_strict(site: Path) -> None:
    assert (site / "index.html").is_file()
    for page in ("guides/typed-models", "guides/static-checking", "examples"):
        assert (site / page / "index.html").is_file(), page


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_api_reference_lists_every_public_name(site: Path, package: str) -> None:
    assert importlib.util.find_spec(package) is not None, f"{package} is missing"
    page = (site / PACKAGES[package] / "index.html").read_text()
    anchors = set(re.findall(r'<h2 id="([\w.]+)" class="doc doc-heading"', page))
    names = exported_names(package)
    assert names, f"{package} exports nothing"
    missing = [n for n in names if f"{package}.{n}" not in anchors]
    assert not missing, f"{package}: not in the API reference: {missing}"


def test_api_reference_shows_signatures_and_docstrings(site: Path) -> None:
    page = (site / "api/equinox/index.html").read_text()
    text = re.sub(r"<[^>]+>", "", page)
    assert "donate: Donate" in text  # filter_jit's typed signature
    assert "every other leaf is static" in text  # its docstring


@pytest.fixture(scope="module")
def ecosystem(ecosystem_site: Path) -> list[str]:
    """Extra import paths holding diffrax & co. (the session's install)."""
    return [str(ecosystem_site)]


def importable(module: str, extra_paths: list[str]) -> bool:
    if importlib.util.find_spec(module) is not None:
        return True
    return importlib.machinery.PathFinder.find_spec(module, extra_paths) is not None


def runnable_blocks(path: Path, extra_paths: list[str] = []) -> list[tuple[int, str]]:  # noqa: B006  # read only
    """(line number, code) of each block of `path` that runs here."""
    source = path.read_text()
    blocks: list[tuple[int, str]] = []
    for match in FENCE.finditer(source):
        line = source.count("\n", 0, match.start()) + 1
        before = source[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        directive = DIRECTIVE.search(before)
        if directive and directive.group(1) == "no-run":
            continue
        if directive and directive.group(2):
            if not importable(directive.group(2), extra_paths):
                continue
        blocks.append((line, textwrap.dedent(match.group(2))))
    return blocks


RUNNER = """
import json, sys, traceback
blocks = json.loads(sys.stdin.read())
namespace = {"__name__": "__main__"}
for line, code in blocks:
    try:
        exec(compile(code, f"{sys.argv[1]}:{line}", "exec"), namespace)
    except BaseException:
        traceback.print_exc()
        sys.exit(f"the block at {sys.argv[1]}:{line} failed")
"""

PAGES = [ROOT / "README.md", *sorted(DOCS.glob("**/*.md"))]


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_code_blocks_run(path: Path, tmp_path: Path, ecosystem: list[str]) -> None:
    blocks = runnable_blocks(path, ecosystem)
    if not blocks:
        return
    paths = [*ecosystem, os.environ.get("PYTHONPATH", "")]
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, str(path.relative_to(ROOT))],
        input=json.dumps(blocks),
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)},
    )
    assert result.returncode == 0, result.stderr[-4000:]


def test_block_directives(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```python\nx = 1\n```\n\n<!-- no-run -->\n```python\nshown()\n```\n"
        "<!-- requires: no_such_module_here -->\n```python\nskipped()\n```\n"
        "<!-- requires: json -->\n```python\ny = 2\n```\n```bash\nls\n```\n"
        "1. item\n\n    ```python\n    z = 3\n    ```\n"
    )
    assert runnable_blocks(page) == [(1, "x = 1\n"), (14, "y = 2\n"), (22, "z = 3\n")]


def test_every_guide_has_runnable_code(ecosystem: list[str]) -> None:
    for guide in sorted((DOCS / "guides").glob("*.md")):
        if guide.name != "ci-gate.md":  # commands and YAML only
            assert runnable_blocks(guide, ecosystem), f"{guide.name}: no code runs"
