# pyright: strict
"""Misuse of `eqx.Enumeration` and `eqx.error_if`."""

import jax
import jax.numpy as jnp

import equinox as eqx


class Colour(eqx.Enumeration):
    red = "Red colour"
    blue = "Blue colour"


class Shape(eqx.Enumeration):
    square = "Square"


class Clash(eqx.Enumeration):
    where = "somewhere"  # E: assignment; pyright: reportAssignmentType


def paint(colour: Colour) -> None:
    del colour


paint("red")  # E: arg-type; pyright: reportArgumentType
paint(Shape.square)  # E: arg-type; pyright: reportArgumentType
paint(0)  # E: arg-type; pyright: reportArgumentType
Colour.purple  # E: attr-defined; pyright: reportAttributeAccessIssue, reportUnknownMemberType
yes = jnp.array(True)
r, b = Colour.red, Colour.blue
s: Shape = Colour.where(yes, r, b)  # E: assignment; pyright: reportAssignmentType
Colour.red.is_traced(1)  # E: call-arg; pyright: reportCallIssue
Colour["red"]  # E: index; pyright: reportArgumentType
Colour.red = Colour.blue  # E: misc; pyright: reportAttributeAccessIssue
wrong: Colour[int]  # E: eqx-enum-type-args; pyright: reportGeneralTypeIssues
eqx.error_if(jnp.zeros(3), yes, 3)  # E: arg-type; pyright: reportArgumentType
eqx.branched_error_if(jnp.zeros(3), True, 0)  # E: call-arg; pyright: reportCallIssue
n: int = eqx.error_if("t", True, "m")  # E: assignment; pyright: reportAssignmentType


def double(x: jax.Array) -> jax.Array:
    return 2 * x


counted = eqx.debug.assert_max_traces(double, max_traces=1)
counted("x")  # E: arg-type; pyright: reportArgumentType
eqx.debug.get_num_traces(3)  # E: arg-type; pyright: reportArgumentType
eqx.debug.backward_nan(jnp.ones(2), name=1)  # E: arg-type; pyright: reportArgumentType
