"""Pytree overhead of `eqx.Module` against `jax.tree_util.register_dataclass`.

Same structure on both sides: an MLP-like node holding 8 Linear-like nodes,
each with a weight and a bias. Ratios are module time / baseline time, all
measured interleaved in this one run: ROUNDS rounds, each timing every case
for 1000 calls back to back; the ratio printed is the median over rounds of
the per-round ratio (the times printed are the fastest round's).

1. `jax.tree_util.tree_flatten` (target: <= 1.5x).
2. `jax.tree_util.tree_unflatten` (target: <= 1.2x). The baseline is a
   *frozen* registered dataclass, which is what a Module is; the ratio against
   a mutable one (whose `__init__` stores fields with plain attribute writes)
   is printed as well, for the record.
3. Constructing a two-field module against a plain `@dataclass`
   (target: <= 8x), with the default run-time field checks, and (reported)
   with `typecheck=False`.

Run: `python benchmarks/module_pytree.py`. Prints figures; asserts nothing.
"""

import dataclasses
import statistics
import timeit
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import jax.tree_util as jtu

import equinox as eqx

DEPTH = 8
ROUNDS = 60


class ModuleLinear(eqx.Module):
    weight: jax.Array
    bias: jax.Array


class ModuleMLP(eqx.Module):
    layers: tuple[ModuleLinear, ...]


@jtu.register_dataclass
@dataclasses.dataclass(frozen=True)
class DataclassLinear:
    weight: jax.Array
    bias: jax.Array


@jtu.register_dataclass
@dataclasses.dataclass(frozen=True)
class DataclassMLP:
    layers: tuple[DataclassLinear, ...]


@jtu.register_dataclass
@dataclasses.dataclass
class MutableDataclassLinear:
    weight: jax.Array
    bias: jax.Array


@jtu.register_dataclass
@dataclasses.dataclass
class MutableDataclassMLP:
    layers: tuple[MutableDataclassLinear, ...]


@dataclasses.dataclass
class PlainPair:
    a: jax.Array
    b: jax.Array


class ModulePair(eqx.Module):
    a: jax.Array
    b: jax.Array


class UncheckedModulePair(eqx.Module, typecheck=False):
    a: jax.Array
    b: jax.Array


def _time_rounds(
    cases: dict[str, Callable[[], object]], number: int
) -> dict[str, list[float]]:
    """Seconds per call for each case in each of ROUNDS rounds; within a round
    the cases run back to back, so they share the machine's load of the moment."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(ROUNDS):
        for name, fn in cases.items():
            times[name].append(timeit.timeit(fn, number=number) / number)
    return times


def _report(
    label: str, ours: list[float], base: list[float], target: float | None
) -> None:
    # The median of per-round ratios resists the load swings of a shared
    # machine better than a ratio of two separately taken minima.
    ratio = statistics.median(o / b for o, b in zip(ours, base, strict=True))
    verdict = "" if target is None else (" PASS" if ratio <= target else " FAIL")
    bound = "reported" if target is None else f"target <= {target}x"
    print(
        f"{label:<44} {min(ours) * 1e6:8.2f} us vs {min(base) * 1e6:8.2f} us  "
        f"ratio {ratio:5.2f}x ({bound}){verdict}"
    )


def main() -> None:
    w, b = jnp.ones((4, 4)), jnp.zeros(4)
    module = ModuleMLP(tuple(ModuleLinear(w, b) for _ in range(DEPTH)))
    baseline = DataclassMLP(tuple(DataclassLinear(w, b) for _ in range(DEPTH)))
    mutable = MutableDataclassMLP(
        tuple(MutableDataclassLinear(w, b) for _ in range(DEPTH))
    )
    module_leaves, module_def = jtu.tree_flatten(module)
    base_leaves, base_def = jtu.tree_flatten(baseline)
    mutable_leaves, mutable_def = jtu.tree_flatten(mutable)
    assert len(module_leaves) == len(base_leaves) == 2 * DEPTH

    def flatten_module() -> object:
        return jtu.tree_flatten(module)

    def flatten_base() -> object:
        return jtu.tree_flatten(baseline)

    def unflatten_module() -> object:
        return jtu.tree_unflatten(module_def, module_leaves)

    def unflatten_base() -> object:
        return jtu.tree_unflatten(base_def, base_leaves)

    def unflatten_mutable() -> object:
        return jtu.tree_unflatten(mutable_def, mutable_leaves)

    def build_plain() -> object:
        return PlainPair(w, b)

    def build_module() -> object:
        return ModulePair(w, b)

    def build_unchecked() -> object:
        return UncheckedModulePair(w, b)

    cases: dict[str, Callable[[], Any]] = {
        "flatten_module": flatten_module,
        "flatten_base": flatten_base,
        "unflatten_module": unflatten_module,
        "unflatten_base": unflatten_base,
        "unflatten_mutable": unflatten_mutable,
        "build_plain": build_plain,
        "build_module": build_module,
        "build_unchecked": build_unchecked,
    }
    for fn in cases.values():  # warm up every path once
        fn()
    t = _time_rounds(cases, number=1_000)

    print(f"eqx.Module vs jax.tree_util.register_dataclass, {DEPTH} layers")
    _report("tree_flatten", t["flatten_module"], t["flatten_base"], target=1.5)
    _report("tree_unflatten", t["unflatten_module"], t["unflatten_base"], target=1.2)
    _report(
        "tree_unflatten vs a mutable dataclass",
        t["unflatten_module"],
        t["unflatten_mutable"],
        target=None,
    )
    _report(
        "construct 2-field module (checks on)",
        t["build_module"],
        t["build_plain"],
        target=8.0,
    )
    _report(
        "construct 2-field module (typecheck=False)",
        t["build_unchecked"],
        t["build_plain"],
        target=None,
    )


if __name__ == "__main__":
    main()
