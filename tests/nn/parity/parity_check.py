"""Checks of one parity case against the data frozen in `reference.npz`."""

import functools
import io
import warnings
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from parity_cases import CASES, arrays, key_for

import equinox as eqx

_REFERENCE = Path(__file__).with_name("reference.npz")


@functools.cache
def _reference() -> dict[str, np.ndarray]:
    with np.load(_REFERENCE) as data:
        return {k: data[k] for k in data.files}


def _frozen(name: str, prefix: str) -> list[np.ndarray]:
    ref = _reference()
    dtypes = [str(d) for d in ref[f"{name}/{prefix}_dtypes"]]
    # bfloat16 & co. come back from npz as raw bytes: view them as stored.
    return [
        ref[f"{name}/{prefix}{i}"].view(jnp.dtype(dtype))
        for i, dtype in enumerate(dtypes)
    ]


def _build(name: str, key: jax.Array | None = None) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return CASES[name](key_for(name) if key is None else key)


def _same_arrays(
    what: str, ours: list[Any], frozen: list[np.ndarray], exact: bool
) -> None:
    got = [np.asarray(x) for x in ours]
    assert [(x.shape, x.dtype) for x in got] == [(x.shape, x.dtype) for x in frozen], (
        what
    )
    for i, (a, b) in enumerate(zip(got, frozen, strict=True)):
        if exact:
            np.testing.assert_array_equal(a, b, err_msg=f"{what} {i}")
        else:
            tol = 1e-2 if a.dtype.itemsize == 2 else 2e-5
            np.testing.assert_allclose(
                a.astype(np.complex128 if a.dtype.kind == "c" else np.float64),
                b.astype(np.complex128 if b.dtype.kind == "c" else np.float64),
                rtol=tol,
                atol=tol,
                err_msg=f"{what} {i}",
            )


def check_init(name: str) -> None:
    """The same key gives bit-identical parameters and initial state."""
    model, state, _ = _build(name)
    _same_arrays(f"{name} parameters", arrays((model, state)), _frozen(name, "p"), True)


def check_outputs(name: str) -> None:
    """The same parameters and input give the reference outputs."""
    model, state, run = _build(name)
    _same_arrays(
        f"{name} outputs", arrays(run(model, state)), _frozen(name, "y"), False
    )


def check_checkpoints(name: str) -> None:
    """A checkpoint written by the reference loads into ours and computes the
    reference outputs; ours, written, is byte for byte the reference's file."""
    model, state, run = _build(name, jax.random.PRNGKey(12345))
    frozen = _reference()[f"{name}/ckpt"].tobytes()
    loaded = eqx.tree_deserialise_leaves(io.BytesIO(frozen), (model, state))
    _same_arrays(f"{name} loaded", arrays(loaded), _frozen(name, "p"), True)
    _same_arrays(
        f"{name} loaded outputs", arrays(run(*loaded)), _frozen(name, "y"), False
    )
    model, state, _ = _build(name)
    buf = io.BytesIO()
    eqx.tree_serialise_leaves(buf, (model, state))
    assert buf.getvalue() == frozen, f"{name}: our checkpoint differs from Equinox's"
