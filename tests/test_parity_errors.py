"""`error_if`, `branched_error_if` and `Enumeration` against Equinox 0.13.8.

Every expected value here was measured by running the same code under
`equinox==0.13.8` (same JAX) and is written down as data.
"""

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import equinox as eqx

_X = jnp.array([1.0, -1.0])

# ------------------------------------------------------------------ error_if

# (call, outcome): an exception class, or the returned value as a list.
_CASES: list[tuple[Callable[[], Any], Any]] = [
    (lambda: eqx.error_if(_X, _X < 0, "m"), eqx.EquinoxRuntimeError),
    (lambda: eqx.error_if(_X, _X < -5, "m"), [1.0, -1.0]),
    (lambda: eqx.error_if(_X, True, "m"), eqx.EquinoxTracetimeError),
    (lambda: eqx.error_if(_X, False, "m"), [1.0, -1.0]),
    (lambda: eqx.error_if(_X, np.array(True), "m"), eqx.EquinoxRuntimeError),
    (lambda: eqx.error_if(_X, np.bool_(True), "m"), eqx.EquinoxRuntimeError),
    (lambda: eqx.error_if(1.0, True, "m"), eqx.EquinoxTracetimeError),
    (lambda: eqx.error_if(_X, 1.0, "m"), eqx.EquinoxTracetimeError),
    (lambda: eqx.error_if(_X, _X, "m"), eqx.EquinoxRuntimeError),  # truthiness
    (lambda: eqx.error_if(3.0, jnp.array(False), "m"), ValueError),  # no array
    (lambda: eqx.error_if(_X, _X < 0, "m", on_error="nan"), [np.nan, np.nan]),
    (lambda: eqx.error_if(_X, _X < 0, "m", on_error="off"), [1.0, -1.0]),
    (lambda: eqx.error_if(_X, _X < 0, "m", on_error="raise"), eqx.EquinoxRuntimeError),
    (lambda: eqx.error_if(_X, False, "m", on_error="bogus"), RuntimeError),  # type: ignore[arg-type]  # the mistake under test
    (lambda: eqx.error_if(_X, True, "m", on_error="off"), [1.0, -1.0]),
    (
        lambda: jax.jit(lambda y: eqx.error_if(y, True, "m"))(_X),
        eqx.EquinoxTracetimeError,
    ),
    (
        lambda: jax.vmap(lambda y: eqx.error_if(y, y < 0, "m", on_error="nan"))(_X),
        [np.nan, np.nan],  # a failure anywhere fills the whole batch
    ),
    (lambda: jax.grad(lambda y: eqx.error_if(y, y < 0, "m"))(1.0), 1.0),
    (
        lambda: jax.grad(lambda y: eqx.error_if(y, y < 0, "m"))(-1.0),
        eqx.EquinoxRuntimeError,
    ),
    (
        lambda: jax.grad(lambda y: eqx.error_if(y, y < 0, "m", on_error="nan"))(-1.0),
        1.0,
    ),
    (lambda: eqx.branched_error_if(_X, _X < 0, 1, ["a", "b"]), eqx.EquinoxRuntimeError),
    (lambda: eqx.branched_error_if(_X, True, 0, ["a"]), eqx.EquinoxTracetimeError),
    (
        lambda: eqx.branched_error_if(_X, _X < 0, 2, ["a", "b"]),
        jax.errors.JaxRuntimeError,
    ),
    (
        lambda: eqx.branched_error_if(_X, _X < 0, 1.0, ["a", "b"]),
        jax.errors.JaxRuntimeError,
    ),
    (
        lambda: eqx.branched_error_if(_X, jnp.array(True), -1, ["a", "b"]),
        eqx.EquinoxRuntimeError,
    ),
]


@pytest.mark.parametrize(("call", "outcome"), _CASES)
def test_error_if_outcomes(call: Callable[[], Any], outcome: Any) -> None:
    if isinstance(outcome, type):
        with pytest.raises(outcome):
            call()
    else:
        np.testing.assert_array_equal(np.asarray(call()), np.asarray(outcome))


def test_error_if_messages_and_fill_values() -> None:
    with pytest.raises(eqx.EquinoxTracetimeError, match=r"^trace msg$"):
        eqx.error_if(_X, True, "trace msg")
    with pytest.raises(eqx.EquinoxRuntimeError, match=r"^7$"):
        eqx.error_if(_X, _X < 0, 7)  # type: ignore[arg-type]  # as Equinox: str(msg)
    index = jnp.array([0, 1, 0])
    with pytest.raises(eqx.EquinoxRuntimeError, match=r"^b$"):  # the largest index
        eqx.branched_error_if(_X, jnp.array([False, True, True]), index, ["a", "b"])
    tree: list[Any] = [jnp.array([1, 2]), jnp.array([True, False]), jnp.array([1.0])]
    tree += [3, jnp.array([1 + 1j]), jnp.array([1, 2], jnp.uint8), np.array([1.0, 2.0])]
    filled = eqx.error_if(tree, jnp.array(True), "m", on_error="nan")
    assert filled[0].tolist() == [2147483647, 2147483647]
    assert filled[1].tolist() == [True, True]
    assert np.isnan(filled[2]).all() and filled[3] == 3
    assert np.isnan(filled[4].real).all() and filled[5].tolist() == [255, 255]
    assert isinstance(filled[6], jax.Array) and filled[6].dtype == jnp.float32
    passed = eqx.error_if([np.array([1.0, 2.0]), 2.0], 0, "m")
    assert isinstance(passed[0], jax.Array) and passed[1] == 2.0
    with pytest.warns(UserWarning):
        eqx.error_if(_X, True, "m", on_error="nan")


def test_error_classes() -> None:
    assert eqx.EquinoxRuntimeError.__mro__[1] is RuntimeError
    assert eqx.EquinoxTracetimeError.__mro__[1] is RuntimeError


# --------------------------------------------------------------- Enumeration


class Colour(eqx.Enumeration):
    red = "the red"
    blue = "the blue"


class Shade(eqx.Enumeration):
    dark = "dark"


class More(Colour):
    green = "green"


@pytest.mark.parametrize(
    "call",
    [
        lambda: Colour.red == 1,
        lambda: Colour.red == "red",
        lambda: Colour.red == None,  # noqa: E711  # the comparison under test
        lambda: Colour.red != 1,
        lambda: Colour.red == Shade.dark,
        lambda: More.red == Colour.red,
        lambda: Colour.red == More.red,
        lambda: Colour.red == jnp.array(0),
        lambda: More[Colour.red],
        lambda: Colour[More.green],
        lambda: Colour[Shade.dark],
        lambda: Colour.where(True, Colour.red, Shade.dark),  # type: ignore[arg-type]  # the mistake under test
        lambda: Colour.where(True, More.green, Colour.red),
        lambda: More.where(True, More.green, Colour.red),  # type: ignore[arg-type]  # the mistake under test
        lambda: Colour.where(jnp.array([True, False]), Colour.red, Colour.blue),
        lambda: Colour.promote(More.red),
        lambda: Colour.promote(Shade.dark),
    ],
)
def test_enumeration_misuse_is_a_value_error(call: Callable[[], Any]) -> None:
    with pytest.raises(ValueError):
        call()


def test_enumeration_values() -> None:
    assert bool(Colour.red == Colour.red) and not bool(Colour.red == Colour.blue)
    assert Colour[Colour.red] == "the red"
    assert bool(Colour.where(True, Colour.red, Colour.blue) == Colour.red)
    assert bool(More.promote(Colour.red) == More.red)
    assert len(Colour) == 2 and len(More) == 3
    assert bool(Colour.red) is True
    assert repr(Colour.red) == f"{__name__}.Colour<the red>"
    assert eqx.tree_pformat([More.green]) == f"[{__name__}.More<green>]"
    traced: list[str] = []
    jax.jit(lambda c: traced.append(repr(c)))(Colour.red)
    assert traced == [f"{__name__}.Colour<traced>"]
    assert Colour.red.is_traced() is False
    assert bool(jax.jit(lambda c: c.is_traced())(Colour.red)) is True
    assert [np.asarray(v).tolist() for v in jax.tree_util.tree_leaves(Colour.red)] == [
        0
    ]


def test_enumeration_definitions() -> None:
    # Several parents are allowed: their members in order (Equinox 0.13.8).
    class Mixed(Colour, Shade):  # pyright: ignore[reportGeneralTypeIssues]  # enums with members, extended (fine at run time)
        pass

    members = [Mixed.red, Mixed.blue, Mixed.dark]  # pyright: ignore[reportAttributeAccessIssue]  # `dark` comes from the second parent
    assert [Mixed[m] for m in members] == ["the red", "the blue", "dark"]

    with pytest.raises(ValueError):

        class Reserved(eqx.Enumeration):
            where = "x"  # type: ignore[assignment]  # the mistake under test

    with pytest.warns(UserWarning):

        class Redefined(Colour):
            red = "other"  # type: ignore[misc]  # redefining a member

    assert Redefined[Redefined.red] == "other"
