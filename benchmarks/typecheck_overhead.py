"""Cost of the built-in run-time type checks, as ratios measured in one run.

1. Constructing a two-field module annotated with `jax.Array`, checks on,
   against a plain dataclass with the same fields (target: <= 8x).
2. Constructing a module with jaxtyping-annotated fields, checks on, against
   the same module with `typecheck=False` decorated with
   `jaxtyping.jaxtyped(typechecker=beartype)`, the usual opt-in approach
   (target: <= 1x).
3. Calling a Linear-like `__call__` eagerly, checks on against off (reported).
4. A model with a `list[Layer]` field of 1, 10 and 100 layers (every item is
   checked, not a sample): constructing it, and calling it eagerly (each layer
   checks its own call too), with checks on against `EQX_TYPECHECK=0` (read at
   import, so each setting runs in its own process).

Run: `python benchmarks/typecheck_overhead.py`.
"""

import dataclasses
import json
import os
import subprocess
import sys
import timeit
from collections.abc import Callable

import jax
import jax.numpy as jnp
from beartype import beartype
from jaxtyping import Array, Float, jaxtyped

import equinox as eqx


@dataclasses.dataclass
class PlainPair:
    a: jax.Array
    b: jax.Array


class CheckedPair(eqx.Module):
    a: jax.Array
    b: jax.Array


class UncheckedPair(eqx.Module, typecheck=False):
    a: jax.Array
    b: jax.Array


class CheckedLinear(eqx.Module):
    weight: Float[Array, "out in"]
    bias: Float[Array, "out"]

    def __call__(self, x: Float[Array, "in"]) -> Float[Array, "out"]:
        return self.weight @ x + self.bias


class UncheckedLinear(eqx.Module, typecheck=False):
    weight: Float[Array, "out in"]
    bias: Float[Array, "out"]

    def __call__(self, x: Float[Array, "in"]) -> Float[Array, "out"]:
        return self.weight @ x + self.bias


@jaxtyped(typechecker=beartype)
class JaxtypedLinear(eqx.Module, typecheck=False):
    weight: Float[Array, "out in"]
    bias: Float[Array, "out"]


class Layer(eqx.Module):
    weight: Float[Array, "d d"]

    def __call__(self, x: Float[Array, "d"]) -> Float[Array, "d"]:
        return self.weight @ x


class Stack(eqx.Module):
    layers: list[Layer]

    def __call__(self, x: Float[Array, "d"]) -> Float[Array, "d"]:
        for layer in self.layers:
            x = layer(x)
        return x


_DEPTHS = (1, 10, 100)


def _list_model_seconds() -> dict[str, list[float]]:
    """Per depth: [construct the Stack from built layers, call it eagerly]."""
    times: dict[str, list[float]] = {}
    for depth in _DEPTHS:
        times[str(depth)] = _stack_seconds(depth)
    return times


def _stack_seconds(depth: int) -> list[float]:
    x = jnp.ones((4,))
    layers = [Layer(jnp.eye(4)) for _ in range(depth)]
    stack = Stack(layers)
    construct = _seconds_per_call(lambda: Stack(layers), 200)
    call = _seconds_per_call(lambda: stack(x).block_until_ready(), max(2, 200 // depth))
    return [construct, call]


def _in_process(level: str) -> dict[str, list[float]]:
    env = {**os.environ, "EQX_TYPECHECK": level}
    out = subprocess.run(
        [sys.executable, __file__, "--list-model"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, list[float]] = json.loads(out.strip().splitlines()[-1])
    return result


def _seconds_per_call(fn: Callable[[], object], number: int) -> float:
    """Best of many short repeats: the least disturbed by other processes on a
    shared machine (short repeats are likelier to fit in a quiet moment)."""
    fn()
    return min(timeit.repeat(fn, number=number, repeat=31)) / number


def _report(label: str, checked: float, baseline: float, target: str) -> None:
    print(
        f"{label}: {checked * 1e6:.2f} us vs {baseline * 1e6:.2f} us "
        f"-> ratio {checked / baseline:.2f}x ({target})"
    )


def main() -> None:
    a, b = jnp.ones((3,)), jnp.ones((3,))
    weight, bias, x = jnp.ones((4, 3)), jnp.ones((4,)), jnp.ones((3,))
    print(f"jax {jax.__version__}, backend {jax.default_backend()}")

    plain = _seconds_per_call(lambda: PlainPair(a, b), 2000)
    checked_pair = _seconds_per_call(lambda: CheckedPair(a, b), 2000)
    unchecked_pair = _seconds_per_call(lambda: UncheckedPair(a, b), 2000)
    _report("jax.Array module, checks on / dataclass", checked_pair, plain, "<= 8x")
    _report("jax.Array module, checks off / dataclass", unchecked_pair, plain, "info")

    ours = _seconds_per_call(lambda: CheckedLinear(weight, bias), 500)
    theirs = _seconds_per_call(lambda: JaxtypedLinear(weight, bias), 500)
    _report("jaxtyping fields, checks on / jaxtyped(beartype)", ours, theirs, "<= 1x")

    on = CheckedLinear(weight, bias)
    off = UncheckedLinear(weight, bias)
    call_on = _seconds_per_call(lambda: on(x).block_until_ready(), 200)
    call_off = _seconds_per_call(lambda: off(x).block_until_ready(), 200)
    _report("eager __call__, checks on / off", call_on, call_off, "reported")

    on_times, off_times = _in_process("1"), _in_process("0")
    for depth in _DEPTHS:
        (c_on, k_on), (c_off, k_off) = on_times[str(depth)], off_times[str(depth)]
        _report(
            f"list of {depth} layers, construct, on / EQX_TYPECHECK=0",
            c_on,
            c_off,
            "reported",
        )
        _report(
            f"list of {depth} layers, eager call, on / EQX_TYPECHECK=0",
            k_on,
            k_off,
            "reported",
        )


if __name__ == "__main__":
    if sys.argv[1:] == ["--list-model"]:
        print(json.dumps(_list_model_seconds()))
    else:
        main()
