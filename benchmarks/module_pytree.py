"""Pytree overhead of `eqx.Module` against `jax.tree_util.register_dataclass`.

Same structure on both sides: an MLP-like node holding 8 Linear-like nodes,
each with a weight and a bias. Ratios are module time / baseline time, all
measured interleaved in this one run: ROUNDS rounds, each timing every case
for 1000 calls back to back; the ratio printed is the median over rounds of
the per-round ratio (the times printed are the fastest round's).

1. `jax.tree_util.tree_flatten` (target: <= 1.2x).
2. `jax.tree_util.tree_unflatten` against a *frozen* registered dataclass
   (which is what a Module is) and against a mutable one, whose `__init__`
   stores fields with plain attribute writes (target: <= 1.2x both).
3. Constructing a two-field module against a plain `@dataclass`
   (target: <= 4x), with the default run-time field checks, and (reported)
   with `typecheck=False`.
4. `jax.tree_util.tree_map` over the model and `eqx.apply_updates` against
   the same on the dataclass pytree (target: <= 1.2x).
5. For the record, the other ways JAX lets a class be a pytree, on the same
   tree: `register_pytree_node` and `register_pytree_with_keys` (Python
   flatten and unflatten callbacks), against the mutable dataclass.
6. The floors, against the mutable dataclass: the same dataclass with one
   static (meta) field, which is what the rebuild pseudo-field costs inside
   JAX's C++; a class whose metaclass `__call__` does nothing but rebuild
   (no pseudo-field), which is what reaching `Cls(**fields)` through a
   Python metaclass `__call__` costs (the design before this one); and a
   bare version of the design in use (no metaclass `__call__`, so
   `type.__call__` in C, and a generated per-class `__init__` with the
   fields as named parameters that only stores them when the pseudo-field
   is passed: see equinox/_module_init.py).

Run: `python benchmarks/module_pytree.py`. Prints figures; asserts nothing.
"""

import dataclasses
import functools
import statistics
import timeit
from collections.abc import Callable
from typing import Any, cast

import jax
import jax.numpy as jnp
import jax.tree_util as jtu

import equinox as eqx

DEPTH = 8
ROUNDS = 30


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
class MetaDataclassLinear:
    weight: jax.Array
    bias: jax.Array
    meta: object = None


@dataclasses.dataclass
class MetaDataclassMLP:
    layers: tuple[MetaDataclassLinear, ...]
    meta: object = None


jtu.register_dataclass(MetaDataclassLinear, ["weight", "bias"], ["meta"])
jtu.register_dataclass(MetaDataclassMLP, ["layers"], ["meta"])


class _RebuildOnlyMeta(type):
    """A metaclass `__call__` that only rebuilds: the floor of that path."""

    def __call__(cls, /, **kwargs: Any) -> Any:
        obj = object.__new__(cast(type[object], cls))
        object.__setattr__(obj, "__dict__", kwargs)
        return obj


class RebuildOnlyLinear(metaclass=_RebuildOnlyMeta):
    weight: jax.Array
    bias: jax.Array


class RebuildOnlyMLP(metaclass=_RebuildOnlyMeta):
    layers: tuple[RebuildOnlyLinear, ...]


jtu.register_dataclass(RebuildOnlyLinear, ["weight", "bias"], [])
jtu.register_dataclass(RebuildOnlyMLP, ["layers"], [])


def _named_rebuild_init(names: tuple[str, ...]) -> Callable[..., None]:
    """`__init__(self, <names>, *, __eqx_rebuild__)` storing into `__dict__`."""
    lines = [f"def __init__(self, {', '.join(names)}, *, __eqx_rebuild__):"]
    lines.append("    values = self.__dict__")
    lines += [f"    values[{name!r}] = {name}" for name in names]
    namespace: dict[str, Any] = {}
    exec("\n".join(lines), namespace)  # generated from the field names
    init: Callable[..., None] = namespace["__init__"]
    return init


class NamedInitLinear:
    weight: jax.Array
    bias: jax.Array
    __eqx_rebuild__ = None


class NamedInitMLP:
    layers: tuple[NamedInitLinear, ...]
    __eqx_rebuild__ = None


for _cls, _names in (
    (NamedInitLinear, ("weight", "bias")),
    (NamedInitMLP, ("layers",)),
):
    setattr(_cls, "__init__", _named_rebuild_init(_names))  # noqa: B010  # generated
    jtu.register_dataclass(_cls, list(_names), ["__eqx_rebuild__"])


def _named_init_tree(w: jax.Array, b: jax.Array) -> object:
    linear: Any = NamedInitLinear
    mlp: Any = NamedInitMLP
    layers = tuple(linear(w, b, __eqx_rebuild__=None) for _ in range(DEPTH))
    return mlp(layers, __eqx_rebuild__=None)


def _rebuild_only_tree(w: jax.Array, b: jax.Array) -> object:
    # Called through `Any`: the metaclass `__call__` takes the fields as
    # keywords, which the (empty) class bodies do not declare.
    linear: Any = RebuildOnlyLinear
    mlp: Any = RebuildOnlyMLP
    return mlp(layers=tuple(linear(weight=w, bias=b) for _ in range(DEPTH)))


def _add(param: jax.Array, update: jax.Array) -> jax.Array:
    """What a hand-written update does (as eqx.apply_updates: `p + u`)."""
    return param + update


def _callback_pair(with_keys: bool) -> tuple[type, type]:
    """A Linear-like and an MLP-like class registered with Python callbacks
    (`register_pytree_with_keys` when `with_keys`, else `register_pytree_node`)."""

    class Leafy:
        pass

    class Holder:
        pass

    for cls, names in ((Leafy, ("weight", "bias")), (Holder, ("layers",))):

        def flatten(obj: Any, names: tuple[str, ...] = names) -> tuple[Any, None]:
            return tuple(obj.__dict__[n] for n in names), None

        def flatten_keys(obj: Any, names: tuple[str, ...] = names) -> tuple[Any, None]:
            return tuple((jtu.GetAttrKey(n), obj.__dict__[n]) for n in names), None

        def unflatten(
            aux: None, children: Any, cls: type = cls, names: tuple[str, ...] = names
        ) -> Any:
            obj: Any = object.__new__(cls)
            obj.__dict__.update(zip(names, children, strict=True))
            return obj

        if with_keys:
            jtu.register_pytree_with_keys(cls, flatten_keys, unflatten, flatten)
        else:
            jtu.register_pytree_node(cls, flatten, unflatten)
    return Leafy, Holder


def _callback_tree(with_keys: bool, w: jax.Array, b: jax.Array) -> object:
    leafy, holder = _callback_pair(with_keys)
    layers = []
    for _ in range(DEPTH):
        layer: Any = object.__new__(leafy)
        layer.__dict__.update(weight=w, bias=b)
        layers.append(layer)
    tree: Any = object.__new__(holder)
    tree.__dict__["layers"] = tuple(layers)
    return tree


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
    verdict = " -" if target is None else (" PASS" if ratio <= target else " FAIL")
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

    def tree_map_module() -> object:
        return jtu.tree_map(jnp.negative, module)

    def tree_map_base() -> object:
        return jtu.tree_map(jnp.negative, mutable)

    def apply_module() -> object:
        return eqx.apply_updates(module, module)

    def apply_base() -> object:
        return jtu.tree_map(_add, mutable, mutable)

    callbacks = {
        "node": _callback_tree(False, w, b),
        "keys": _callback_tree(True, w, b),
    }
    callback_defs = {k: jtu.tree_flatten(t) for k, t in callbacks.items()}

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
        "tree_map_module": tree_map_module,
        "tree_map_base": tree_map_base,
        "apply_module": apply_module,
        "apply_base": apply_base,
    }
    for kind, tree in callbacks.items():
        leaves, treedef = callback_defs[kind]
        cases[f"flatten_{kind}"] = functools.partial(jtu.tree_flatten, tree)
        cases[f"unflatten_{kind}"] = functools.partial(
            jtu.tree_unflatten, treedef, leaves
        )
    cases["flatten_mutable"] = functools.partial(jtu.tree_flatten, mutable)
    floors: dict[str, object] = {
        "meta": MetaDataclassMLP(
            tuple(MetaDataclassLinear(w, b) for _ in range(DEPTH))
        ),
        "rebuild_only": _rebuild_only_tree(w, b),
        "named_init": _named_init_tree(w, b),
    }
    for kind, tree in floors.items():
        leaves, treedef = jtu.tree_flatten(tree)
        cases[f"flatten_{kind}"] = functools.partial(jtu.tree_flatten, tree)
        cases[f"unflatten_{kind}"] = functools.partial(
            jtu.tree_unflatten, treedef, leaves
        )
    for fn in cases.values():  # warm up every path once
        fn()
    t = _time_rounds(cases, number=1_000)

    print(f"eqx.Module vs jax.tree_util.register_dataclass, {DEPTH} layers")
    _report("tree_flatten", t["flatten_module"], t["flatten_base"], target=1.2)
    _report(
        "tree_flatten vs a mutable dataclass",
        t["flatten_module"],
        t["flatten_mutable"],
        target=1.2,
    )
    _report("tree_unflatten", t["unflatten_module"], t["unflatten_base"], target=1.2)
    _report(
        "tree_unflatten vs a mutable dataclass",
        t["unflatten_module"],
        t["unflatten_mutable"],
        target=1.2,
    )
    _report(
        "construct 2-field module (checks on)",
        t["build_module"],
        t["build_plain"],
        target=4.0,
    )
    _report(
        "construct 2-field module (typecheck=False)",
        t["build_unchecked"],
        t["build_plain"],
        target=None,
    )
    _report("tree_map(negative)", t["tree_map_module"], t["tree_map_base"], 1.2)
    _report(
        "eqx.apply_updates vs tree_map(p + u)", t["apply_module"], t["apply_base"], 1.2
    )
    for kind, name in (("node", "register_pytree_node"), ("keys", "..._with_keys")):
        for op in ("flatten", "unflatten"):
            _report(
                f"{name} {op} vs mutable dc",
                t[f"{op}_{kind}"],
                t[f"{op}_mutable"],
                target=None,
            )
    floor_names = (
        ("meta", "floor: dc + 1 meta field"),
        ("rebuild_only", "floor: metaclass __call__ only"),
        ("named_init", "floor: generated __init__ + meta"),
    )
    for kind, name in floor_names:
        for op in ("flatten", "unflatten"):
            _report(
                f"{name} {op}",
                t[f"{op}_{kind}"],
                t[f"{op}_mutable"],
                target=None,
            )


if __name__ == "__main__":
    main()
