"""filter_shard and filter_pmap on 8 (host) devices.

XLA fixes the device count when jax is first imported, so the checks run in a
subprocess started with XLA_FLAGS; each check prints a line and the test
asserts on every line.
"""

import os
import subprocess
import sys
import textwrap
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import equinox as eqx

_SCRIPT = textwrap.dedent(
    """
    import jax, jax.numpy as jnp, numpy as np
    from jax.sharding import Mesh, NamedSharding, PartitionSpec as P
    import equinox as eqx

    assert jax.device_count() == 8, jax.devices()

    class Model(eqx.Module):
        weight: jax.Array
        bias: jax.Array
        name: str = eqx.field(static=True)
        act: object = jnp.tanh

    mesh = Mesh(np.array(jax.devices()), ("d",))
    rows = NamedSharding(mesh, P("d"))
    replicated = NamedSharding(mesh, P())
    model = Model(jnp.ones((8, 4)), jnp.zeros(8), "m")

    # filter_shard outside JIT: device_put; non-arrays untouched.
    sharded = eqx.filter_shard(model, rows)
    assert sharded.weight.sharding == rows, sharded.weight.sharding
    assert sharded.name == "m" and sharded.act is jnp.tanh
    print("shard-outside-jit ok")

    # A pytree prefix: one sharding per field.
    tree = {"w": model.weight, "b": model.bias, "name": "n"}
    mixed = eqx.filter_shard(tree, {"w": rows, "b": replicated, "name": None})
    assert mixed["w"].sharding == rows and mixed["b"].sharding == replicated
    assert mixed["name"] == "n"
    print("shard-prefix ok")

    # A single device.
    one = eqx.filter_shard(model, jax.devices()[3])
    assert one.weight.devices() == {jax.devices()[3]}
    print("shard-device ok")

    # Inside JIT: a sharding constraint on the intermediate value.
    @eqx.filter_jit
    def f(m):
        y = eqx.filter_shard(m.weight * 2, rows)
        return y + 1

    out = f(model)
    assert out.sharding.is_equivalent_to(rows, 2), out.sharding
    np.testing.assert_allclose(out, 3.0)
    print("shard-inside-jit ok")

    try:
        eqx.filter_shard({"w": jnp.ones(8), "odd": jnp.ones(3)}, rows)
    except ValueError as e:
        assert "x['odd'] (shape (3,))" in str(e), e
        print("shard-indivisible ok")

    try:
        eqx.filter_shard(model, "not a sharding")
    except TypeError as e:
        assert "device_or_shardings" in str(e), e
        print("shard-error ok")

    # filter_pmap: map over devices, statics pass through, collectives work.
    traces = []

    @eqx.filter_pmap(axis_name="i")
    def g(x, scale, label):
        traces.append(label)
        return x * scale - jax.lax.pmean(x, "i"), label

    xs = jnp.arange(8.0)
    out, label = g(xs, 2.0, "L")
    np.testing.assert_allclose(out, xs * 2 - xs.mean(), rtol=1e-6)
    assert label == "L"
    g(xs + 1, 2.0, "L")
    assert traces == ["L"], traces  # compiled once, reused
    g(xs, 3.0, "L")
    assert len(traces) == 2  # a new static value compiles again
    print("pmap ok")

    # Ensembles across devices; in_axes None broadcasts; out_axes None.
    ens = eqx.filter_pmap(lambda k: Model(jax.random.normal(k, (3,)), jnp.zeros(3), "e"))(
        jax.random.split(jax.random.key(0), 8)
    )
    assert ens.weight.shape == (8, 3) and ens.name == "e"
    both = eqx.filter_pmap(
        lambda m, x, c: (m.weight @ x, c), in_axes=(0, None, None), out_axes=(0, None)
    )(ens, jnp.ones(3), jnp.ones(2))
    assert both[0].shape == (8,) and both[1].shape == (2,)
    np.testing.assert_allclose(both[0], ens.weight.sum(axis=1), rtol=1e-6)
    print("pmap-ensemble ok")

    try:
        eqx.filter_pmap(lambda x: x)(jnp.ones(9))
    except ValueError as e:
        assert "size 9, but only 8 devices" in str(e), e
        print("pmap-too-many ok")
    """
)

_EXPECTED = [
    "shard-outside-jit ok",
    "shard-prefix ok",
    "shard-device ok",
    "shard-inside-jit ok",
    "shard-indivisible ok",
    "shard-error ok",
    "pmap ok",
    "pmap-ensemble ok",
    "pmap-too-many ok",
]


def test_multi_device() -> None:
    env = dict(os.environ)
    env["XLA_FLAGS"] = "--xla_force_host_platform_device_count=8"
    env["JAX_PLATFORMS"] = "cpu"
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    for line in _EXPECTED:
        assert line in result.stdout, (line, result.stdout, result.stderr[-2000:])


def test_shard_single_device_in_process() -> None:
    tree: dict[str, Any] = {"a": jnp.ones(2), "b": 3, "c": np.ones(2)}
    out = eqx.filter_shard(tree, jax.devices()[0])
    assert out["b"] == 3
    assert isinstance(out["c"], jax.Array)  # NumPy arrays are placed too
    assert out["a"].devices() == {jax.devices()[0]}
    with pytest.raises(ValueError, match="not a pytree prefix"):
        eqx.filter_shard(tree, {"a": None})
