"""The plugin's state survives mypy's incremental cache: a warm run reports
exactly what a cold run reports, also when only the importing module changed
(the Module classes then come from the cache, not from source)."""

import shutil
from pathlib import Path

import pytest
from mypy import api as mypy_api

ROOT = Path(__file__).resolve().parent.parent

MODELS = """\
import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


def to_float(x: int | str) -> float:
    return float(x)


class Base(eqx.Module):
    size: eqx.AbstractVar[int]
    kind: eqx.AbstractClassVar[str]


class Sized(Base):
    size: int
    rate: float = eqx.field(converter=to_float, default=1.0)


class Complete(Sized):
    kind = "complete"


class Custom(eqx.Module):
    weight: Array

    def __init__(self, n: int) -> None:
        self.weight = jnp.zeros(n)


class SubCustom(Custom):
    def double(self) -> Array:
        return 2 * self.weight
"""

USE = """\
from models import Base, Complete, Custom, Sized, SubCustom

Base()
Sized(3)
Complete(3, "2.5")
Complete(3, b"x")
SubCustom(4)
Custom(4).weight = Custom(2).weight


def f(m: Complete) -> None:
    m.rate = 2.0
"""

EXPECTED = {
    (3, "eqx-abstract"),
    (4, "eqx-abstract"),
    (6, "arg-type"),
    (8, "eqx-frozen"),
    (12, "eqx-frozen"),
}


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
            str(project / "models.py"),
            str(project / "use.py"),
        ]
    )
    assert status in (0, 1) and "INTERNAL ERROR" not in stdout + stderr, stdout + stderr
    return sorted(line for line in stdout.splitlines() if ": error:" in line)


def _pairs(lines: list[str]) -> set[tuple[int, str]]:
    pairs = set()
    for line in lines:
        location, _, rest = line.partition(": error: ")
        pairs.add((int(location.rsplit(":", 1)[1]), rest.rsplit("[", 1)[1].rstrip("]")))
    return pairs


@pytest.fixture(scope="module")
def base_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache holding jax/equinox only (shared with the corpus test), so the
    runs below are cold for the user modules without re-analysing jax."""
    warm = tmp_path_factory.mktemp("warmup")
    (warm / "models.py").write_text("import equinox\n")
    (warm / "use.py").write_text("")
    cache = ROOT / ".mypy_cache" / "typecheck-corpus"
    _check(warm, cache)
    return cache


def _copy_cache(base: Path, target: Path) -> None:
    # Without the warm-up's own modules, which share our module names.
    shutil.copytree(base, target, ignore=shutil.ignore_patterns("models.*", "use.*"))


def _cold_then_warm(
    project: Path, base: Path, models: str, use: str, more_use: str
) -> tuple[list[str], list[str]]:
    """The errors of a cold run over `models.py` + `use.py`, and of a warm run
    after appending `more_use` to `use.py` only (so `models` is read back from
    the cache). Checks on the way that an unchanged rerun replays the cold
    errors and that the warm run equals a cold run of the edited files."""
    (project / "models.py").write_text(models)
    (project / "use.py").write_text(use)
    cache = project / "cache"
    _copy_cache(base, cache)
    cold = _check(project, cache)
    # Everything fresh: errors are replayed from the cache.
    assert _check(project, cache) == cold

    (project / "use.py").write_text(use + more_use)
    warm = _check(project, cache)
    fresh_cache = project / "fresh-cache"
    _copy_cache(base, fresh_cache)
    assert warm == _check(project, fresh_cache)
    return cold, warm


def test_warm_cache_gives_cold_diagnostics(
    tmp_path: Path, base_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    cold, warm = _cold_then_warm(tmp_path, base_cache, MODELS, USE, "Sized(1, None)\n")
    assert _pairs(cold) == EXPECTED
    assert _pairs(warm) == EXPECTED | {(13, "eqx-abstract"), (13, "arg-type")}


UNDECLARED_MODELS = """\
import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class Base(eqx.Module):
    weight: Array
    scale = 1.0

    def __init__(self, n: int) -> None:
        self.weight = jnp.zeros(n)
        self.bias = jnp.zeros(n)

    @property
    def label(self) -> str:
        return "base"

    @label.setter
    def label(self, value: str) -> None:
        pass
"""

UNDECLARED_USE = """\
import jax.numpy as jnp
from jaxtyping import Array

from models import Base


class Sub(Base):
    extra: Array

    def __init__(self, n: int) -> None:
        super().__init__(n)
        self.weight = jnp.ones(n)
        self.extra = jnp.ones(n)
        self.scale = 2.0
        self.label = "sub"
        self.bias = jnp.ones(n)
        self.depth = 2

    def later(self) -> None:
        self.depth = 3
        self.seen = True
"""

UNDECLARED_EXPECTED = {
    ("models", 13, "eqx-undeclared"),  # Base.bias
    ("use", 14, "eqx-undeclared"),  # Sub.scale, a class attribute of Base
    ("use", 15, "eqx-undeclared"),  # Sub.label, a property of Base
    ("use", 16, "eqx-undeclared"),  # Sub.bias, only implicitly an attribute of Base
    ("use", 17, "eqx-undeclared"),  # Sub.depth
    ("use", 20, "eqx-frozen"),  # Sub.depth outside __init__
    ("use", 21, "eqx-frozen"),  # Sub.seen outside __init__
}


def _located(lines: list[str]) -> list[tuple[str, int, str]]:
    """(module, line, code) for each error, in order (duplicates kept)."""
    found = []
    for line in lines:
        location, _, rest = line.partition(": error: ")
        path, number = location.rsplit(":", 2)[:2]
        code = rest.rsplit("[", 1)[1].rstrip("]")
        found.append((Path(path).stem, int(number), code))
    return found


def test_undeclared_attributes_warm_cache_gives_cold_diagnostics(
    tmp_path: Path, base_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    # The warm run reads Base's fields from the cache.
    cold, warm = _cold_then_warm(
        tmp_path,
        base_cache,
        UNDECLARED_MODELS,
        UNDECLARED_USE,
        "Sub(2).weight = jnp.ones(2)\n",
    )
    # One error per offending line, none elsewhere.
    assert sorted(_located(cold)) == sorted(UNDECLARED_EXPECTED)
    assert sorted(_located(warm)) == sorted(
        UNDECLARED_EXPECTED | {("use", 22, "eqx-frozen")}
    )


# `eqx.Enumeration`: the plugin turns off mypy's enum flag for user
# enumerations and records their members in the class metadata; both must be
# read back from the cache when the enumerations' module is fresh.
ENUM_MODELS = """\
import equinox as eqx


class Colour(eqx.Enumeration):
    red = "Red colour"
    blue = "Blue colour"


class MoreColour(Colour):
    green = "Green colour"


DEFAULT_MESSAGE = Colour[Colour.red]
"""

ENUM_USE = """\
from typing import assert_type

from models import DEFAULT_MESSAGE, Colour, MoreColour


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

ENUM_EXPECTED = {(15, "arg-type"), (16, "attr-defined"), (17, "misc")}


def test_enumerations_from_the_cache_give_cold_diagnostics(
    tmp_path: Path, base_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    # The warm run reads the enumerations from the cache.
    cold, warm = _cold_then_warm(
        tmp_path,
        base_cache,
        ENUM_MODELS,
        ENUM_USE,
        "assert_type(MoreColour.green, MoreColour)\nMoreColour[0]\n",
    )
    assert _pairs(cold) == ENUM_EXPECTED
    assert _pairs(warm) == ENUM_EXPECTED | {(19, "index")}
