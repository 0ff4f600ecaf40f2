# pyright: strict
"""The synthesised __init__: order, defaults, init=False, inheritance."""

import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class Point(eqx.Module):
    x: float
    y: float
    label: str = "p"
    norm: float = eqx.field(init=False, default=0.0)


Point(1.0, 2.0)
Point(1.0)  # E: call-arg; pyright: reportCallIssue
Point(1.0, 2.0, "a", 3.0)  # E: call-arg; pyright: reportCallIssue
Point(1.0, 2.0, norm=1.0)  # E: call-arg; pyright: reportCallIssue
Point(1.0, 2.0, colour="red")  # E: call-arg; pyright: reportCallIssue
Point("1", 2.0)  # E: arg-type; pyright: reportArgumentType


class Point3(Point):
    z: float = 0.0


Point3(1.0, 2.0, "b", 3.0)
Point3(1.0, 2.0, z="3")  # E: arg-type; pyright: reportArgumentType


class Custom(eqx.Module):
    weight: Array

    def __init__(self, n: int) -> None:
        self.weight = jnp.zeros(n)


Custom(3)
Custom(jnp.zeros(3))  # E: arg-type; pyright: reportArgumentType
Custom(weight=jnp.zeros(3))  # E: call-arg; pyright: reportCallIssue


class Keyword(eqx.Module):
    a: int
    b: int = eqx.field(kw_only=True)


Keyword(1, b=2)
Keyword(1, 2)  # E: call-arg; pyright: reportCallIssue
p = Point(1.0, 2.0)
p.missing  # E: attr-defined; pyright: reportAttributeAccessIssue, reportUnknownMemberType


class Grid(eqx.Module):
    cells: Array
    size: int

    def __init__(self, size: int) -> None:
        self.cells = jnp.zeros((size, size))
        self.size = size


class LabelledGrid(Grid):
    # No __init__: at run time Grid's hand-written one is used, and mypy (with
    # the plugin) knows it; pyright synthesises a dataclass __init__ instead.
    label: str = "grid"


LabelledGrid(3)  # E: pyright: reportCallIssue
LabelledGrid("3")  # E: arg-type; pyright: reportCallIssue
