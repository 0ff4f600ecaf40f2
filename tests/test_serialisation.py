import io
import json
import os
import pathlib
import subprocess
import sys
from collections.abc import Callable
from typing import Any, BinaryIO

import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
import pytest
from hypothesis import given, settings
from pytree_strategies import pytrees, same_tree

import equinox as eqx


class Layer(eqx.Module):
    weight: jax.Array
    bias: jax.Array


class Net(eqx.Module):
    layers: list[Layer]
    scale: float
    steps: int
    flag: bool
    phase: complex
    table: np.ndarray[Any, Any]
    counter: np.int32
    activation: Callable[[jax.Array], jax.Array]
    name: str = eqx.field(static=True, default="net")


def make_net(seed: int, width: int = 3) -> Net:
    key = jax.random.key(seed)
    k1, k2, k3, k4 = jax.random.split(key, 4)
    return Net(
        layers=[
            Layer(jax.random.normal(k1, (width, 2)), jax.random.normal(k2, (width,))),
            Layer(
                jax.random.normal(k3, (1, width)).astype(jnp.bfloat16),
                jax.random.randint(k4, (1,), 0, 10),
            ),
        ],
        scale=0.5 + seed,
        steps=7 + seed,
        flag=bool(seed % 2),
        phase=complex(seed, -1),
        table=np.arange(4, dtype=np.float64).reshape(2, 2) + seed,
        counter=np.int32(seed),
        activation=jax.nn.relu,
    )


def blank_like(tree: Any) -> Any:
    """Same structure, shapes and dtypes; zero values."""

    def blank(x: Any) -> Any:
        if isinstance(x, jax.Array):
            return jnp.zeros_like(x)
        if isinstance(x, np.ndarray):
            return np.zeros_like(x)
        if isinstance(x, np.generic):
            return x.dtype.type(0)
        if isinstance(x, bool | int | float | complex):
            return type(x)()
        return x

    return jtu.tree_map(blank, tree)


def saved(tree: Any) -> io.BytesIO:
    buffer = io.BytesIO()
    eqx.tree_serialise_leaves(buffer, tree)
    buffer.seek(0)
    return buffer


# ------------------------------------------------------------------ round trip


@pytest.mark.parametrize("as_pathlib", [False, True])
def test_round_trip_through_a_path(tmp_path: pathlib.Path, as_pathlib: bool) -> None:
    net = make_net(1)
    target = tmp_path / "net.eqx"
    path: str | pathlib.Path = target if as_pathlib else str(target)
    eqx.tree_serialise_leaves(path, net)
    assert target.exists()  # written to exactly that path
    loaded = eqx.tree_deserialise_leaves(path, make_net(0))
    assert same_tree(loaded, net)
    assert type(loaded.steps) is int
    assert type(loaded.flag) is bool
    assert type(loaded.phase) is complex
    assert isinstance(loaded.table, np.ndarray)
    assert type(loaded.counter) is np.int32
    assert loaded.layers[1].weight.dtype == jnp.bfloat16
    assert isinstance(loaded.layers[0].weight, jax.Array)


def test_round_trip_through_a_file_object() -> None:
    net = make_net(2)
    buffer = io.BytesIO()
    eqx.tree_serialise_leaves(buffer, net)
    buffer.seek(0)
    loaded = eqx.tree_deserialise_leaves(buffer, make_net(0))
    assert same_tree(loaded, net)


def test_non_array_leaves_come_from_like() -> None:
    net = make_net(2)
    buffer = io.BytesIO()
    eqx.tree_serialise_leaves(buffer, net)
    buffer.seek(0)

    def other(x: jax.Array) -> jax.Array:
        return x

    like = Net(**{**make_net(0).__dict__, "activation": other, "name": "other"})
    loaded = eqx.tree_deserialise_leaves(buffer, like)
    assert loaded.activation is other
    assert loaded.name == "other"


def test_file_is_a_stream_of_npy_records_in_leaf_order() -> None:
    net = make_net(3)
    buffer = io.BytesIO()
    eqx.tree_serialise_leaves(buffer, net)
    expected = io.BytesIO()
    for leaf in jtu.tree_leaves(net):
        if eqx.is_array_like(leaf):
            np.save(expected, np.asarray(leaf))
    assert buffer.getvalue() == expected.getvalue()
    # ...so plain numpy reads it back too.
    buffer.seek(0)
    first = np.load(buffer)
    assert np.array_equal(first, np.asarray(net.layers[0].weight))


def test_records_written_by_numpy_load() -> None:
    like = make_net(0)
    buffer = io.BytesIO()
    for leaf in jtu.tree_leaves(like):
        if isinstance(leaf, jax.Array | np.ndarray | np.generic):
            np.save(buffer, np.ones_like(np.asarray(leaf)))
        elif isinstance(leaf, bool | int | float | complex):
            np.save(buffer, type(leaf)(1))
    buffer.seek(0)
    loaded = eqx.tree_deserialise_leaves(buffer, like)
    assert loaded.steps == 1 and type(loaded.steps) is int
    assert jnp.array_equal(loaded.layers[0].weight, jnp.ones((3, 2)))


def test_shape_dtype_structs_as_like() -> None:
    net = make_net(4)
    buffer = io.BytesIO()
    eqx.tree_serialise_leaves(buffer, net)
    buffer.seek(0)

    def struct(x: Any) -> Any:
        if isinstance(x, jax.Array):
            return jax.ShapeDtypeStruct(x.shape, x.dtype)  # type: ignore[no-untyped-call]  # jax leaves __init__ unannotated
        return x

    like = jtu.tree_map(struct, make_net(0))
    loaded = eqx.tree_deserialise_leaves(buffer, like)
    assert isinstance(loaded.layers[0].bias, jax.Array)
    assert same_tree(loaded, net)


def test_committed_arrays_keep_their_placement() -> None:
    device = jax.devices()[-1]
    like = {"w": jax.device_put(jnp.zeros(3), device), "b": jnp.zeros(2)}
    buffer = saved({"w": jnp.arange(3.0), "b": jnp.ones(2)})
    loaded = eqx.tree_deserialise_leaves(buffer, like)
    assert loaded["w"].committed
    assert loaded["w"].sharding == like["w"].sharding
    assert not loaded["b"].committed
    assert jnp.array_equal(loaded["w"], jnp.arange(3.0))


_SHARDED_SCRIPT = """
import io
import jax, jax.numpy as jnp, numpy as np
from jax.sharding import NamedSharding, PartitionSpec
import equinox as eqx
mesh = jax.make_mesh((2,), ("x",))
sharding = NamedSharding(mesh, PartitionSpec("x"))
like = {"w": jax.device_put(jnp.zeros((4, 3)), sharding)}
buffer = io.BytesIO()
eqx.tree_serialise_leaves(buffer, {"w": jnp.arange(12.0).reshape(4, 3)})
buffer.seek(0)
out = eqx.tree_deserialise_leaves(buffer, like)
assert out["w"].sharding == sharding, out["w"].sharding
assert len(out["w"].addressable_shards) == 2
assert np.array_equal(np.asarray(out["w"]), np.arange(12.0).reshape(4, 3))
print("sharded ok")
"""


def test_sharded_like_gives_sharded_arrays() -> None:
    env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=2"}
    result = subprocess.run(
        [sys.executable, "-c", _SHARDED_SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "sharded ok" in result.stdout


def test_stream_can_hold_other_data_around_the_tree() -> None:
    net = make_net(5)
    buffer = io.BytesIO()
    buffer.write((json.dumps({"width": 3}) + "\n").encode())
    eqx.tree_serialise_leaves(buffer, net)
    buffer.write(b"trailer")
    buffer.seek(0)
    assert json.loads(buffer.readline()) == {"width": 3}
    loaded = eqx.tree_deserialise_leaves(buffer, make_net(0))
    assert buffer.read() == b"trailer"
    assert same_tree(loaded, net)


def test_default_serialise_spec_writes_nothing_for_other_leaves() -> None:
    buffer = io.BytesIO()
    eqx.default_serialise_filter_spec(buffer, "text")
    eqx.default_serialise_filter_spec(buffer, None)
    eqx.default_serialise_filter_spec(buffer, jax.nn.relu)
    assert buffer.getvalue() == b""
    assert eqx.default_deserialise_filter_spec(buffer, "text") == "text"


# --------------------------------------------------------------- filter specs


def test_filter_spec_prefix_skips_a_subtree() -> None:
    net = make_net(6)

    def skip_save(f: BinaryIO, x: Any) -> None:
        del f, x

    def skip_load(f: BinaryIO, x: Any) -> Any:
        del f
        return x

    save_spec = jtu.tree_map(lambda _: eqx.default_serialise_filter_spec, net)
    save_spec = eqx.tree_at(lambda s: s.layers[1], save_spec, skip_save)
    load_spec = jtu.tree_map(lambda _: eqx.default_deserialise_filter_spec, net)
    load_spec = eqx.tree_at(lambda s: s.layers[1], load_spec, skip_load)

    buffer = io.BytesIO()
    eqx.tree_serialise_leaves(buffer, net, filter_spec=save_spec)
    full = io.BytesIO()
    eqx.tree_serialise_leaves(full, net)
    assert 0 < len(buffer.getvalue()) < len(full.getvalue())

    buffer.seek(0)
    like = make_net(0)
    loaded = eqx.tree_deserialise_leaves(buffer, like, filter_spec=load_spec)
    assert same_tree(loaded.layers[0], net.layers[0])
    assert loaded.layers[1] is not like.layers[1]  # a new tree...
    assert same_tree(loaded.layers[1], like.layers[1])  # ...with like's values
    assert loaded.steps == net.steps


def test_custom_filter_spec_with_is_leaf() -> None:
    class Blob:
        def __init__(self, data: bytes) -> None:
            self.data = data

    def save(f: BinaryIO, x: Any) -> None:
        if isinstance(x, Blob):
            f.write(len(x.data).to_bytes(4, "little") + x.data)

    def load(f: BinaryIO, x: Any) -> Any:
        if isinstance(x, Blob):
            size = int.from_bytes(f.read(4), "little")
            return Blob(f.read(size))
        return x

    tree: dict[str, Any] = {"a": Blob(b"hello"), "b": [Blob(b"xy")]}
    buffer = io.BytesIO()
    eqx.tree_serialise_leaves(buffer, tree, filter_spec=save)
    buffer.seek(0)
    like: dict[str, Any] = {"a": Blob(b""), "b": [Blob(b"")]}
    loaded = eqx.tree_deserialise_leaves(
        buffer, like, filter_spec=load, is_leaf=lambda x: isinstance(x, Blob)
    )
    assert loaded["a"].data == b"hello"
    assert loaded["b"][0].data == b"xy"


def test_filter_spec_not_a_prefix_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="filter_spec must be a callable or a pytree"):
        eqx.tree_serialise_leaves(
            io.BytesIO(),
            {"a": jnp.ones(1)},
            filter_spec={"b": eqx.default_serialise_filter_spec},
        )


def test_non_callable_filter_spec_leaf_names_its_path() -> None:
    with pytest.raises(RuntimeError, match=r"filter_spec at \['b'\].*callable.*3"):
        eqx.tree_deserialise_leaves(
            io.BytesIO(),
            {"a": jnp.ones(1), "b": jnp.ones(1)},
            filter_spec={"a": eqx.default_deserialise_filter_spec, "b": 3},
        )


# ------------------------------------------------------------------ bad input


def test_shape_mismatch_names_the_path() -> None:
    buffer = saved(make_net(1, width=3))
    with pytest.raises(RuntimeError, match=r"\.layers\[0\]\.weight.*float32\[4, 2\]"):
        eqx.tree_deserialise_leaves(buffer, make_net(0, width=4))


def test_dtype_mismatch_names_the_path() -> None:
    net = make_net(1)
    buffer = saved(net)
    like = eqx.tree_at(lambda n: n.layers[0].bias, net, jnp.zeros(3, jnp.int32))
    with pytest.raises(RuntimeError, match=r"\.layers\[0\]\.bias.*int32.*float32"):
        eqx.tree_deserialise_leaves(buffer, like)


def test_python_scalars_convert_to_the_type_in_like() -> None:
    # As in Equinox 0.13.8: the record is converted to `like`'s scalar type.
    loaded = eqx.tree_deserialise_leaves(saved([2.5, 1, 1.0]), [0, 0.0, 0j])
    assert loaded == [2, 1.0, 1 + 0j]
    assert [type(x) for x in loaded] == [int, float, complex]
    with pytest.raises(RuntimeError, match=r"\['lr'\]"):
        eqx.tree_deserialise_leaves(saved({"lr": 1j}), {"lr": 0.0})
    with pytest.raises(RuntimeError, match=r"\['lr'\].*scalar float.*float64\[2\]"):
        eqx.tree_deserialise_leaves(saved({"lr": np.ones(2)}), {"lr": 0.0})


def test_root_leaf_error_says_root() -> None:
    buffer = saved(jnp.ones(2))
    with pytest.raises(RuntimeError, match="<root>"):
        eqx.tree_deserialise_leaves(buffer, jnp.ones(3))


def test_truncated_file_names_the_first_missing_leaf(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "cut.eqx"
    net = make_net(1)
    eqx.tree_serialise_leaves(path, net)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(RuntimeError, match=r"cannot load the leaf at \..*EOF"):
        eqx.tree_deserialise_leaves(path, make_net(0))


def test_more_leaves_in_like_than_in_file() -> None:
    buffer = saved([jnp.ones(2)])
    with pytest.raises(RuntimeError, match=r"leaf at \[1\]"):
        eqx.tree_deserialise_leaves(buffer, [jnp.ones(2), jnp.ones(2)])


def test_leftover_data_in_a_path_is_ignored(tmp_path: pathlib.Path) -> None:
    # As in Equinox 0.13.8: only as many records as `like` has leaves are read.
    path = tmp_path / "big.eqx"
    eqx.tree_serialise_leaves(path, [jnp.ones(2), jnp.zeros(2)])
    (loaded,) = eqx.tree_deserialise_leaves(path, [jnp.zeros(2)])
    assert jnp.array_equal(loaded, jnp.ones(2))


def test_a_path_without_suffix_gets_eqx(tmp_path: pathlib.Path) -> None:
    # Equinox's naming, so files written by either library are found by both.
    eqx.tree_serialise_leaves(tmp_path / "model", [jnp.ones(2)])
    eqx.tree_serialise_leaves(str(tmp_path / "other.npy"), [jnp.ones(2)])
    eqx.tree_serialise_leaves(str(tmp_path / "dotted."), [jnp.ones(2)])
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["dotted..eqx", "model.eqx", "other.npy"]
    (loaded,) = eqx.tree_deserialise_leaves(tmp_path / "model", [jnp.zeros(2)])
    assert jnp.array_equal(loaded, jnp.ones(2))


def test_garbage_file_is_a_clear_error() -> None:
    with pytest.raises(RuntimeError, match=r"\['w'\]"):
        eqx.tree_deserialise_leaves(io.BytesIO(b"not numpy at all"), {"w": jnp.ones(1)})


def test_unsaveable_leaf_names_its_path() -> None:
    with pytest.raises(RuntimeError, match=r"cannot save the leaf at \['x'\]"):
        eqx.tree_serialise_leaves(io.BytesIO(), {"x": np.array([object()])})


def test_failed_load_leaves_like_untouched() -> None:
    net = make_net(1)
    buffer = saved(net)
    like = eqx.tree_at(lambda n: n.table, make_net(0), np.zeros(3))  # wrong shape
    before = jtu.tree_leaves(like)
    with pytest.raises(RuntimeError, match=r"\.table"):
        eqx.tree_deserialise_leaves(buffer, like)
    after = jtu.tree_leaves(like)
    assert all(a is b for a, b in zip(before, after, strict=True))


# ------------------------------------------------------------------ property


@settings(max_examples=60, deadline=None)
@given(tree=pytrees)
def test_serialise_round_trip_property(tree: Any) -> None:
    buffer = io.BytesIO()
    eqx.tree_serialise_leaves(buffer, tree)
    buffer.seek(0)
    loaded = eqx.tree_deserialise_leaves(buffer, blank_like(tree))
    assert same_tree(loaded, tree)
    assert buffer.read() == b""  # every record was consumed
