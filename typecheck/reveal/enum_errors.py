# pyright: strict
"""Types of `eqx.Enumeration`, `eqx.error_if` / `branched_error_if`,
`eqx.clear_caches`."""

from typing import assert_type

import jax.numpy as jnp
from jaxtyping import Array, Float

import equinox as eqx


class Colour(eqx.Enumeration):
    red = "Red colour"
    blue = "Blue colour"


def paint(colour: Colour) -> Colour:
    return colour


# A member is a value of its class.
assert_type(paint(Colour.red), Colour)
red: Colour = Colour.red
assert_type(Colour.where(jnp.array(True), Colour.red, Colour.blue), Colour)
assert_type(Colour.promote(Colour.red), Colour)
assert_type(Colour.red.is_traced(), bool)


def compare(a: Colour, b: Colour) -> None:
    # Equality is elementwise-array-like: a boolean array (traced under JIT).
    assert_type(a == b, Array)
    assert_type(a != b, Array)


assert_type(list(Colour), list[Colour])

# Indexing the class with a member gives the member's message.
assert_type(Colour[Colour.red], str)  # E: pyrefly: bad-index, assert-type
blue_message = Colour[Colour.blue]  # E: pyrefly: bad-index
assert_type(blue_message, str)  # E: pyrefly: assert-type


def describe(colour: Colour) -> str:
    text = Colour[colour]  # E: pyrefly: bad-index
    assert_type(text, str)  # E: pyrefly: assert-type
    return text


class Model(eqx.Module):
    weight: Float[Array, "3"]


def check(model: Model, x: Float[Array, "3"], pair: tuple[Array, int]) -> None:
    # error_if / branched_error_if return their input's own type.
    assert_type(eqx.error_if(x, x < 0, "negative"), Array)
    assert_type(eqx.error_if(model, jnp.any(x < 0), "negative"), Model)
    assert_type(eqx.error_if(pair, x < 0, "negative"), tuple[Array, int])
    assert_type(eqx.branched_error_if(model, x[0] < 0, jnp.array(1), ["a", "b"]), Model)
    assert_type(eqx.clear_caches(), None)


def raise_it() -> eqx.EquinoxRuntimeError:
    error = eqx.EquinoxRuntimeError("boom")
    assert_type(error, eqx.EquinoxRuntimeError)
    runtime: RuntimeError = error
    del runtime
    return error


def double(x: Array) -> Array:
    return 2 * x


def debug_tools(model: Model, x: Float[Array, "3"]) -> None:
    # The debug wrappers keep the wrapped function's signature...
    counted = eqx.debug.assert_max_traces(double, max_traces=1)
    assert_type(counted(x), Array)
    decorated = eqx.debug.assert_max_traces(max_traces=None)(double)
    assert_type(decorated(x), Array)
    assert_type(eqx.debug.get_num_traces(counted), int)
    # ...and the identity-like tools return their input's type.
    assert_type(eqx.debug.backward_nan(model, name="model"), Model)
    assert_type(eqx.debug.announce_transform(model, name="m"), Model)
    assert_type(eqx.debug.store_dce(model, name="m"), Model)
    assert_type(eqx.debug.inspect_dce("m"), None)
    assert_type(eqx.debug.breakpoint_if(x[0] > 0), None)
