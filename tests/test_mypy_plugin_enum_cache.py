"""`eqx.Enumeration` under the mypy plugin survives the incremental cache: a
warm run reports exactly what a cold run reports, also when the enumerations
come from the cache (only the importing module changed). The plugin turns off
mypy's enum flag for user enumerations and records their members in the class
metadata; both must be read back from the cache."""

import shutil
from pathlib import Path

import pytest
from mypy import api as mypy_api

ROOT = Path(__file__).resolve().parent.parent

COLOURS = """\
import equinox as eqx


class Colour(eqx.Enumeration):
    red = "Red colour"
    blue = "Blue colour"


class MoreColour(Colour):
    green = "Green colour"


DEFAULT_MESSAGE = Colour[Colour.red]
"""

USE = """\
from typing import assert_type

from colours import DEFAULT_MESSAGE, Colour, MoreColour


def describe(colour: MoreColour) -> str:
    text = MoreColour[colour]
    return text


assert_type(DEFAULT_MESSAGE, str)
assert_type(Colour[Colour.blue], str)
assert_type(MoreColour.red, MoreColour)
assert_type(MoreColour.promote(Colour.red), MoreColour)
describe(Colour.red)
Colour.purple
Colour.red = Colour.blue
"""

EXPECTED = {(15, "arg-type"), (16, "attr-defined"), (17, "misc")}


@pytest.fixture(autouse=True)
def _plugin_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    # Plugin bugs must fail here, not be swallowed as they are for users.
    monkeypatch.setenv("EQX_MYPY_PLUGIN_DEBUG", "1")


def _check(project: Path, cache: Path) -> list[str]:
    stdout, stderr, status = mypy_api.run(
        [
            "--strict",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(cache),
            "--no-error-summary",
            str(project / "colours.py"),
            str(project / "use.py"),
        ]
    )
    assert status in (0, 1) and "INTERNAL ERROR" not in stdout + stderr, stdout + stderr
    return sorted(line for line in stdout.splitlines() if ": error:" in line)


def _pairs(lines: list[str]) -> set[tuple[int, str]]:
    pairs: set[tuple[int, str]] = set()
    for line in lines:
        location, _, rest = line.partition(": error: ")
        pairs.add((int(location.rsplit(":", 1)[1]), rest.rsplit("[", 1)[1].rstrip("]")))
    return pairs


@pytest.fixture(scope="module")
def base_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache holding jax/equinox only (shared with the corpus test), so the
    runs below are cold for the user modules without re-analysing jax."""
    warm = tmp_path_factory.mktemp("warmup")
    (warm / "colours.py").write_text("import equinox\n")
    (warm / "use.py").write_text("")
    cache = ROOT / ".mypy_cache" / "typecheck-corpus"
    _check(warm, cache)
    return cache


def _copy_cache(base: Path, target: Path) -> None:
    # Without the warm-up's own modules, which share our module names.
    shutil.copytree(base, target, ignore=shutil.ignore_patterns("colours.*", "use.*"))


def test_enumerations_from_the_cache_give_cold_diagnostics(
    tmp_path: Path, base_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "colours.py").write_text(COLOURS)
    (tmp_path / "use.py").write_text(USE)
    cache = tmp_path / "cache"
    _copy_cache(base_cache, cache)

    cold = _check(tmp_path, cache)
    assert _pairs(cold) == EXPECTED
    # Everything fresh: errors are replayed from the cache.
    assert _check(tmp_path, cache) == cold

    # Only use.py changes: the enumerations come from the cache.
    (tmp_path / "use.py").write_text(
        USE + "assert_type(MoreColour.green, MoreColour)\nMoreColour[0]\n"
    )
    warm = _check(tmp_path, cache)
    fresh_cache = tmp_path / "fresh-cache"
    _copy_cache(base_cache, fresh_cache)
    assert warm == _check(tmp_path, fresh_cache)
    assert _pairs(warm) == EXPECTED | {(19, "index")}
