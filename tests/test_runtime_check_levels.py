"""Check levels: a mismatch raises (`"on"`, the default), is reported once as
`eqx.TypeCheckWarning` (`"warn"`), or is ignored (`"off"`); set per class
(`typecheck=`), per package (`eqx.set_typecheck_level`), and capped by the
environment variable `EQX_TYPECHECK`."""

import os
import subprocess
import sys
import textwrap
import warnings
from typing import Any

import jax
import jax.numpy as jnp
import pytest
from jaxtyping import Array, Float

import equinox as eqx


def _any(value: object) -> Any:
    """A deliberately wrong value, hidden from the static checkers."""
    return value


def _caught(fn: Any) -> list[warnings.WarningMessage]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return [w for w in caught if issubclass(w.category, eqx.TypeCheckWarning)]


class LooseLayer(eqx.Module, typecheck="warn"):
    weight: Float[Array, "out in"]
    scale: float

    def __call__(self, x: Float[Array, "in"]) -> Float[Array, "out"]:
        return self.weight @ x


def test_warning_class_is_public_and_a_user_warning() -> None:
    assert issubclass(eqx.TypeCheckWarning, UserWarning)
    assert eqx.TypeCheckWarning.__module__ == "equinox._runtime_check._errors"
    assert "once" in (eqx.TypeCheckWarning.__doc__ or "")


def test_warn_level_reports_each_field_once_and_carries_on() -> None:
    def build() -> LooseLayer:
        return LooseLayer(_any(jnp.ones(3)), _any("big"))

    first = _caught(build)
    assert len(first) == 2  # both fields, one warning each
    texts = [str(w.message) for w in first]
    assert texts[0].startswith("LooseLayer: field 'weight' does not match")
    assert "has 1 dimensions, not the 2" in texts[0]
    assert texts[1].startswith("LooseLayer: field 'scale' does not match")
    assert "got:      str 'big'" in texts[1]
    assert first[0].filename == __file__  # points at the caller, not equinox
    assert _caught(build) == []  # deduplicated per class, field and annotation
    layer = build()
    assert layer.scale == "big"  # type: ignore[comparison-overlap]  # the mismatch being tested


def test_warn_level_method_call_runs_and_reports_once() -> None:
    layer = LooseLayer(jnp.ones((2, 3)), 1.0)
    good = layer(jnp.ones(3))
    assert good.shape == (2,)
    out: list[jax.Array] = []
    integer_input = _any(jnp.ones(3, jnp.int32))  # computes; annotation says float
    caught = _caught(lambda: out.append(layer(integer_input)))
    assert out[0].shape == (2,)
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1
    assert messages[0].startswith("LooseLayer.__call__: argument 'x' does not match")
    assert "cast with x.astype(jnp.float32)" in messages[0]
    assert _caught(lambda: layer(integer_input)) == []


def test_warnings_can_be_made_errors_with_a_filter() -> None:
    class Strictened(eqx.Module, typecheck="warn"):
        x: int

    with warnings.catch_warnings():
        warnings.simplefilter("error", eqx.TypeCheckWarning)
        with pytest.raises(eqx.TypeCheckWarning, match="field 'x'"):
            Strictened(_any("no"))


def test_class_keyword_spellings() -> None:
    for off in (False, "off"):

        class Off(eqx.Module, typecheck=off):
            x: int

        assert _any(Off(_any("anything")).x) == "anything"
    for on in (True, "on", "error"):

        class On(eqx.Module, typecheck=on):
            x: int

        with pytest.raises(eqx.TypeCheckError):
            On(_any("no"))


def test_bad_class_keyword_is_a_value_error_naming_the_class() -> None:
    with pytest.raises(ValueError, match=r"Odd\(typecheck=\.\.\.\): 'sometimes'"):

        class Odd(eqx.Module, typecheck=_any("sometimes")):
            x: int


def _class_in(module: str, **keywords: Any) -> Any:
    """A Module subclass whose `__module__` is `module` (as if a library
    defined it) with an `int` field and an annotated method."""

    class Lib(eqx.Module, **keywords):
        __module__ = module
        n: int

        def double(self, x: Float[Array, " n"]) -> Float[Array, " n"]:
            return 2 * x

    return Lib


def test_package_level_covers_the_package_and_its_submodules() -> None:
    eqx.set_typecheck_level("warn", package="looselib")
    for module in ("looselib", "looselib.layers.deep"):
        cls = _class_in(module)
        caught = _caught(lambda cls=cls: cls(_any("x")))
        assert len(caught) == 1, [str(w.message) for w in caught]
        obj = cls(3)
        # `2 * [1.0]` runs: the argument and the return value are reported.
        caught = _caught(lambda obj=obj: obj.double(_any([1.0])))
        assert ["argument 'x'" in str(w.message) for w in caught] == [True, False]
    # A package whose name merely starts the same is not covered.
    with pytest.raises(eqx.TypeCheckError):
        _class_in("looselibrary")(_any("x"))


def test_one_librarys_loose_level_never_loosens_its_users() -> None:
    eqx.set_typecheck_level("off", package="quietlib")
    library_class = _class_in("quietlib.models")
    assert library_class(_any("x")).n == "x"  # silenced

    class UserModel(eqx.Module):
        n: int

    with pytest.raises(eqx.TypeCheckError):
        UserModel(_any("x"))


def test_longest_package_wins_and_the_class_keyword_wins_over_both() -> None:
    eqx.set_typecheck_level("off", package="mixedlib")
    eqx.set_typecheck_level("on", package="mixedlib.strict")
    assert _class_in("mixedlib.loose")(_any("x")).n == "x"
    with pytest.raises(eqx.TypeCheckError):
        _class_in("mixedlib.strict.part")(_any("x"))
    assert len(_caught(lambda: _class_in("mixedlib", typecheck="warn")(_any("x")))) == 1


def test_level_set_after_the_classes_exist_applies() -> None:
    cls = _class_in("latelib")
    with pytest.raises(eqx.TypeCheckError):
        cls(_any("x"))
    eqx.set_typecheck_level("warn", package="latelib")
    assert len(_caught(lambda: cls(_any("y")))) == 1


def test_bad_levels_and_packages() -> None:
    with pytest.raises(ValueError, match="'loud' is not a type-check level"):
        eqx.set_typecheck_level(_any("loud"), package="somelib")
    for package in ("", ".relative", None):
        with pytest.raises(ValueError, match="`package` must be a module path"):
            eqx.set_typecheck_level("warn", package=_any(package))


def _run(code: str, level: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EQX_TYPECHECK": level}
    return subprocess.run(
        [sys.executable, "-W", "always", "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


_ENV_PROGRAM = """
import equinox as eqx

class Strict(eqx.Module, typecheck=True):
    n: int

class Default(eqx.Module):
    n: int

print(Strict("a").n, Default("b").n)
"""


def test_environment_warn_turns_every_error_into_one_warning() -> None:
    result = _run(_ENV_PROGRAM, "warn")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "a b"
    assert result.stderr.count("TypeCheckWarning") == 2
    assert "Strict: field 'n' does not match its annotation." in result.stderr


def test_environment_off_checks_nothing() -> None:
    result = _run(_ENV_PROGRAM, "0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "a b"
    assert "TypeCheckWarning" not in result.stderr
