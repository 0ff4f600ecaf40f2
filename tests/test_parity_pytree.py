"""Filtering and pytree tools against Equinox 0.13.8.

Every expected value here was measured by running the same code under
`equinox==0.13.8` (same JAX) and is written down as data.
"""

import hashlib
import io
import pathlib
from typing import Any, Literal

import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
import pytest

import equinox as eqx

# ------------------------------------------------------------------ filtering


def test_a_module_shaped_spec_is_a_prefix_not_a_predicate() -> None:
    # The "freeze a layer" recipe: the spec is a Linear full of bools.
    linear = eqx.nn.Linear(2, 3, key=jax.random.PRNGKey(0))
    spec = jtu.tree_map(lambda _: False, linear)
    spec = eqx.tree_at(lambda s: s.weight, spec, replace=True)
    kept, rest = eqx.partition(linear, spec)
    assert kept.weight.shape == (3, 2) and kept.bias is None
    assert rest.weight is None and rest.bias.shape == (3,)
    assert type(eqx.filter(linear, spec)) is eqx.nn.Linear
    assert bool(eqx.tree_equal(eqx.combine(kept, rest), linear))


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (lambda x: 1, [1, 2]),  # truthy results select
        (lambda x: None, [None, None]),
        (lambda x: jnp.array(True), [1, 2]),
    ],
)
def test_filter_spec_leaves(spec: Any, expected: list[Any]) -> None:
    assert eqx.filter([1, 2], spec) == expected


@pytest.mark.parametrize(
    "spec",
    [None, eqx.nn.Identity(), eqx.Partial(lambda x: True), [True], 3, np.bool_(True)],
)
def test_filter_spec_mismatch_is_a_value_error(spec: Any) -> None:
    with pytest.raises(ValueError):
        eqx.filter([1, 2], spec)


# ------------------------------------------------------------------ tree_equal

_A = np.array([1.0, 2.0])
_B = jnp.array([1.0, 2.0])


@pytest.mark.parametrize(
    ("args", "kwargs", "kind", "value"),
    [
        ((_A, _A), {}, "bool", True),
        ((_A, np.array([1.0, 3.0])), {}, "bool", False),
        ((_A, _B), {}, "bool", False),  # NumPy never equals JAX
        ((_B, _A), {}, "bool", False),
        ((_B, _B), {}, "jax", True),
        ((_B, jnp.array([1.0, 3.0])), {}, "jax", False),
        ((_A, np.array([1.0, 2.0], np.float32)), {}, "bool", False),
        ((_B, _B + 1e-7), {"rtol": 1e-5, "atol": 1e-5}, "jax", True),
        ((_A, _B + 1e-7), {"rtol": 1e-5, "atol": 1e-5}, "bool", False),
        ((np.float32(1), np.array(1.0, np.float32)), {}, "bool", True),
        ((np.float32(1), 1.0), {}, "bool", False),
        ((jnp.array(1.0), 1.0), {}, "bool", False),
        ((np.array([np.nan]), np.array([np.nan])), {}, "bool", False),
        ((jnp.array([np.nan]), jnp.array([np.nan])), {}, "jax", False),
        ((np.array(["a"]), np.array(["a"])), {}, "bool", True),
        (([_B, _A], [_B, _A + 1]), {}, "bool", False),
        (([_B, 1], [_B, 2]), {}, "bool", False),
        (([_B, 1], [_B, 1]), {}, "jax", True),
        ((_B, _B, _B + 1), {}, "jax", False),
        ((jnp.array(1.0), jnp.asarray(1.0)), {}, "jax", True),  # weak type ignored
        ((np.array(1), jnp.array(1)), {"typematch": True}, "bool", False),
        ((1, 1.0), {}, "bool", True),
        ((_A,), {}, "bool", True),
    ],
)
def test_tree_equal_values_and_return_types(
    args: tuple[Any, ...], kwargs: dict[str, Any], kind: str, value: bool
) -> None:
    out = eqx.tree_equal(*args, **kwargs)
    if kind == "bool":
        assert out is value
    else:
        assert isinstance(out, jax.Array) and out.shape == () and bool(out) is value


def test_tree_equal_edge_cases() -> None:
    with pytest.raises(IndexError):
        eqx.tree_equal()
    # Inside JIT a traced array never equals a NumPy array.
    assert not bool(jax.jit(lambda x: eqx.tree_equal(x, _A))(_B))

    class Raises:
        def __eq__(self, other: object) -> bool:
            raise ValueError("no")

    leaf = Raises()
    with pytest.raises(ValueError, match="no"):
        eqx.tree_equal(leaf, leaf)


# --------------------------------------------------------------------- tree_at

_TREE: dict[str, Any] = {"a": 1, "b": (2, 3), "c": [4, None]}


@pytest.mark.parametrize(
    ("where", "replace", "expected"),
    [
        (
            lambda t: (t["a"], t["b"][0]),
            (10, 20),
            {"a": 10, "b": (20, 3), "c": [4, None]},
        ),
        (
            lambda t: [t["a"], t["b"][0]],
            (10, 20),
            {"a": 10, "b": (20, 3), "c": [4, None]},
        ),
        (
            lambda t: (t["a"], t["b"][0]),
            [10, 20],
            {"a": 10, "b": (20, 3), "c": [4, None]},
        ),
        (lambda t: t["b"], (7, 8, 9), {"a": 1, "b": (7, 8, 9), "c": [4, None]}),
        (lambda t: t["c"][1], 5, {"a": 1, "b": (2, 3), "c": [4, 5]}),  # a unique None
        (lambda t: (t["a"], t["a"]), (1, 2), {"a": 2, "b": (2, 3), "c": [4, None]}),
        (lambda t: t, 3, 3),
        (lambda t: (), (), _TREE),
    ],
)
def test_tree_at_outcomes(where: Any, replace: Any, expected: Any) -> None:
    assert eqx.tree_at(where, _TREE, replace=replace) == expected


def test_tree_at_replace_may_be_any_sized_iterable() -> None:
    tree: dict[str, Any] = {"a": 1, "c": [4]}
    out = eqx.tree_at(lambda t: (t["a"], t["c"][0]), tree, replace=np.array([1, 2]))
    assert out == {"a": 1, "c": [2]}


def test_tree_at_empty_tuple_nodes_are_distinct() -> None:
    tree = {"b": (), "d": ()}
    assert eqx.tree_at(lambda t: t["b"], tree, replace=5) == {"b": 5, "d": ()}


@pytest.mark.parametrize(
    ("where", "replace", "error"),
    [
        (lambda t: (t["a"], t["b"][0]), (10,), ValueError),
        (lambda t: 5, 1, TypeError),  # not a node of the tree
        (lambda t: [t["a"]], 5, TypeError),  # a sequence needs a sequence
        (lambda t: (t["b"], t["b"][0]), ((1,), 2), ValueError),
        (lambda t: (t["c"][1], t["d"]), (1, 2), ValueError),  # None twice
    ],
)
def test_tree_at_errors(where: Any, replace: Any, error: type[Exception]) -> None:
    tree = {**_TREE, "d": None}
    with pytest.raises(error):
        eqx.tree_at(where, tree, replace=replace)


def test_tree_at_static_field_is_a_type_error() -> None:
    linear = eqx.nn.Linear(2, 3, key=jax.random.PRNGKey(0))
    with pytest.raises(TypeError):
        eqx.tree_at(lambda m: m.in_features, linear, replace=4)


# ------------------------------------------------------ tree_flatten_one_level


def test_self_referencing_containers_are_rejected() -> None:
    looped: list[Any] = [1, 2]
    looped.append(looped)
    with pytest.raises(ValueError):
        eqx.tree_flatten_one_level(looped)
    selfish: dict[str, Any] = {"x": 1}
    selfish["self"] = selfish
    with pytest.raises(ValueError):
        eqx.tree_flatten_one_level(selfish)
    shared = (1,)
    assert eqx.tree_flatten_one_level([shared, shared])[0] == [(1,), (1,)]


# ------------------------------------------------------------------ tree_pformat


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (jnp.zeros((4, 3)), "f32[4,3]"),
        (jnp.array(1.0), "weak_f32[]"),
        (jnp.array(1), "weak_i32[]"),
        (jnp.zeros(2, jnp.int8), "i8[2]"),
        (jnp.zeros((), jnp.bfloat16), "bf16[]"),
        (jnp.zeros(2, jnp.complex64), "c64[2]"),
        (jax.random.key(0), "key<fry>[]"),
        (np.zeros((4, 3)), "f64[4,3](numpy)"),
        (np.float32(3), "np.float32(3.0)"),
        ({"a": 1, "b": [jnp.zeros(2)]}, "{'a': 1, 'b': [f32[2]]}"),
        (
            jtu.Partial(jnp.add, jnp.zeros(2)),  # type: ignore[no-untyped-call]  # jax leaves it untyped
            "Partial(func=<jnp.ufunc 'add'>, args=(f32[2](jax),), keywords={})",
        ),
        (
            eqx.nn.Linear(2, 3, key=jax.random.PRNGKey(0)),
            "Linear(\n  weight=f32[3,2], bias=f32[3], in_features=2, out_features=3, "
            "use_bias=True\n)",
        ),
    ],
)
def test_tree_pformat_text(value: Any, expected: str) -> None:
    assert eqx.tree_pformat(value) == expected


def test_tree_pformat_options() -> None:
    linear = eqx.nn.Linear(2, 3, key=jax.random.PRNGKey(0))
    wide = "Linear(weight=f32[3,2], bias=f32[3], in_features=2, out_features=3, use_bias=True)"
    assert eqx.tree_pformat(linear, width=1000) == wide
    assert eqx.tree_pformat({"w": jnp.zeros(2)}, truncate_leaf=eqx.is_array) == (
        "{'w': ArrayImpl(...)}"
    )
    struct = jax.ShapeDtypeStruct((2, 3), jnp.float32, weak_type=True)  # type: ignore[no-untyped-call]  # jax leaves it untyped
    assert eqx.tree_pformat(struct, struct_as_array=True) == "weak_f32[2,3]"
    assert eqx.tree_pformat(jnp.arange(4.0), short_arrays=False) == (
        "Array([0., 1., 2., 3.], dtype=float32)"
    )
    printed: list[str] = []
    jax.jit(lambda x: printed.append(eqx.tree_pformat([x, x * 2.0])))(1.0)
    assert printed == ["[weak_f32[], weak_f32[]]"]


# --------------------------------------------------------------- serialisation


def _digest(tree: Any) -> tuple[str, int]:
    buffer = io.BytesIO()
    eqx.tree_serialise_leaves(buffer, tree)
    data = buffer.getvalue()
    return hashlib.sha256(data).hexdigest()[:16], len(data)


def test_serialised_bytes_match_equinox() -> None:
    # The same files, byte for byte, as Equinox 0.13.8 writes.
    linear = eqx.nn.Linear(2, 3, key=jax.random.PRNGKey(0))
    assert _digest(linear) == ("e44606d5f90aac49", 292)
    mixed = [1, 2.0, True, 1j, np.float32(2), np.array([1, 2])]
    mixed += [jnp.zeros(3, jnp.bfloat16), None, "str"]
    assert _digest(mixed) == ("142e0a8d4369df3e", 955)
    assert _digest(jax.random.PRNGKey(0)) == ("4c91fbeed2191c0b", 136)
    scalars = [
        np.int8(3),
        np.uint16(4),
        np.bool_(True),
        np.complex64(1j),
        np.float16(2),
    ]
    assert _digest(scalars) == ("7c740fbe883cdd51", 654)


# BatchNorm checkpoints (model, State): byte-identical to Equinox 0.13.8's in
# both modes. The "batch" files are 3 bytes longer than the "ema" ones (its
# state holds a different leaf), which is not a difference from Equinox.
_BATCH_NORM_DIGESTS = {
    "ema": (("30ed8d0f2d7b9fc6", 818), ("097448952e89c37c", 818)),
    "batch": (("555fd65941d7309e", 821), ("0020c68c79570d37", 821)),
}


@pytest.mark.parametrize("mode", ["ema", "batch"])
def test_batch_norm_checkpoint_bytes_match_equinox(
    mode: Literal["ema", "batch"],
) -> None:
    fresh, after_step = _BATCH_NORM_DIGESTS[mode]
    model, state = eqx.nn.make_with_state(eqx.nn.BatchNorm)(3, "batch", mode=mode)
    assert _digest((model, state)) == fresh
    assert _digest(model) == ("c154b8625a1c0069", 409)
    x = jnp.arange(12.0).reshape(4, 3)
    step = jax.vmap(model, axis_name="batch", in_axes=(0, None), out_axes=(0, None))
    _, state = step(x, state)
    assert _digest((model, state)) == after_step


def _round_trip(tree: Any, like: Any) -> Any:
    buffer = io.BytesIO()
    eqx.tree_serialise_leaves(buffer, tree)
    buffer.seek(0)
    return eqx.tree_deserialise_leaves(buffer, like)


def test_deserialise_conversions() -> None:
    assert _round_trip([1, 2.0, True], [0.0, 0, 0]) == [1.0, 2, 1]
    assert _round_trip([2.5], [False]) == [True]
    assert _round_trip([1.0], [0j]) == [1 + 0j]
    (loaded,) = _round_trip([np.float64(2)], [np.float32(0)])
    assert type(loaded) is np.float32 and loaded == 2.0
    (loaded,) = _round_trip([np.float64(2)], [jnp.zeros(())])
    assert loaded.dtype == jnp.float32
    (loaded,) = _round_trip([np.ones(3)], [jnp.zeros(3)])  # f64 -> f32 via JAX
    assert isinstance(loaded, jax.Array) and loaded.dtype == jnp.float32


@pytest.mark.parametrize(
    ("tree", "like"),
    [
        ([jnp.ones(3)], [jnp.zeros(4, jnp.int32)]),
        ([np.ones(3)], [np.zeros(3, np.float32)]),
        ([np.ones(3, np.int32)], [jnp.zeros(3)]),
        ([jnp.ones(3)], [jnp.zeros(3, jnp.bfloat16)]),
        ([jnp.ones(3, jnp.bfloat16)], [jnp.zeros(3)]),
        ([np.ones(3)], [0.0]),
        ([1j], [0.0]),
        ([jnp.ones(3)], [jnp.ones(3), jnp.ones(3)]),  # the file ends early
    ],
)
def test_deserialise_failures_are_runtime_errors(tree: Any, like: Any) -> None:
    with pytest.raises(RuntimeError):
        _round_trip(tree, like)


def test_serialise_failures_are_runtime_errors() -> None:
    with pytest.raises(RuntimeError):
        eqx.tree_serialise_leaves(io.BytesIO(), jax.random.key(0))


def test_file_names(tmp_path: pathlib.Path) -> None:
    for name in ["m", "b.npy", "c.EQX", "e.eqx.bak", "f.", "g.eqxx"]:
        eqx.tree_serialise_leaves(tmp_path / name, [jnp.ones(3)])
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["b.npy", "c.EQX", "e.eqx.bak", "f..eqx", "g.eqxx", "m.eqx"]
    with pytest.raises(FileNotFoundError, match=r"nope\.eqx"):
        eqx.tree_deserialise_leaves(tmp_path / "nope", [jnp.ones(3)])
