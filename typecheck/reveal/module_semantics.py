# pyright: strict
"""Types of Module fields, AbstractVar, converters, bound methods, Partial and
module_update_wrapper as both checkers see them."""

import dataclasses
from collections.abc import Callable
from typing import Generic, TypeVar, assert_type

import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx

T = TypeVar("T")


def to_float(x: int | str) -> float:
    return float(x)


class AbstractNet(eqx.Module):
    width: eqx.AbstractVar[int]

    def double(self) -> int:
        return 2 * self.width


class Net(AbstractNet):
    width: int
    rate: float = eqx.field(converter=to_float, default=1.0)
    weight: Array = eqx.field(default_factory=lambda: jnp.zeros(3))

    def apply(self, x: Array) -> Array:
        return self.weight * x

    def __call__(self, x: Array) -> Array:
        return self.apply(x)


class Box(eqx.Module, Generic[T]):
    item: T


class Wrapper(eqx.Module):
    fn: Callable[[Array], Array]

    @property
    def __wrapped__(self) -> Callable[[Array], Array]:
        return self.fn

    def __call__(self, x: Array) -> Array:
        return self.fn(x)


def add(x: int, y: int) -> int:
    return x + y


net = Net(3, "0.5")
abstract: AbstractNet = net
x = jnp.ones(3)

assert_type(net.width, int)
assert_type(abstract.width, int)
assert_type(abstract.double(), int)
assert_type(net.rate, float)
assert_type(net.weight, Array)
assert_type(net.apply(x), Array)
assert_type(net(x), Array)
assert_type(dataclasses.replace(net, width=4), Net)
assert_type(Box(1), Box[int])
assert_type(Box("a").item, str)
assert_type(eqx.Partial(add, 1), eqx.Partial[int])
assert_type(eqx.Partial(add, 1)(2), int)
assert_type(eqx.module_update_wrapper(Wrapper(jnp.sin)), Wrapper)
assert_type(eqx.filter_jit(net.apply)(x), Array)
assert_type(eqx.filter_jit(net)(x), Array)
assert_type(eqx.tree_at(lambda n: n.weight, net, jnp.ones(3)), Net)


def loss(model: Net, y: Array) -> Array:
    return jnp.sum(model(y))


assert_type(eqx.filter_grad(loss)(net, x), Net)
assert_type(eqx.filter_value_and_grad(loss)(net, x), tuple[Array, Net])


class AbstractActivation(eqx.Module):
    name: eqx.AbstractClassVar[str]

    def describe(self) -> str:
        return f"activation {self.name}"


# (How a subclass provides `name` is where pyright differs: see
# typecheck/fail/abstract_errors.py and the README's "pyright parity".)
def activation_name(activation: AbstractActivation) -> str:
    assert_type(activation.name, str)
    assert_type(type(activation).name, str)
    return activation.describe()
