"""`store_dce` / `inspect_dce`: which parts of a value survive dead-code
elimination (DCE) in a jitted program.

`store_dce` wraps each array leaf in its own identity primitive. JAX removes
equations whose outputs are unused before lowering to MLIR, so the lowering
rule of that primitive runs exactly for the leaves that survived; it records
them. `inspect_dce` prints the records in Equinox 0.13.8's format. A record
is made when the function is lowered, so a compiled function called again
from JAX's cache adds none; records are kept (`inspect_dce` can be called
again). Both raise `RuntimeError` where Equinox's do (`store_dce` outside a
jitted function, `inspect_dce` inside one).
"""

import dataclasses
import itertools
import threading
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Final, TypeVar

import jax.tree_util as jtu
import numpy as np
from jax._src import core as jax_core  # private: the only test for being under jit
from jax.extend.core import Primitive

from .. import _jax_typed as jaxt
from .._filters import is_array
from .._pretty import tree_pformat
from ._primitive import bind, define, lowering_outputs

_T = TypeVar("_T")

store_dce_p = Primitive("eqx_store_dce")


@dataclasses.dataclass
class _Entry:
    name: Hashable
    treedef: Any
    leaves: list[Any]  # the value's leaves, each array as a ShapeDtypeStruct
    positions: list[int]  # where the arrays are among `leaves`
    alive: set[int] = dataclasses.field(default_factory=set[int])


class _Removed:
    """Stands for an array that dead-code elimination removed."""

    def __repr__(self) -> str:
        return "<DCE'd>"


_entries: Final[dict[int, _Entry]] = {}
_lock: Final = threading.Lock()
_next_id: Final = itertools.count()


def _impl(x: Any, **params: Any) -> Any:
    del params
    return x


def _abstract_eval(aval: Any, **params: Any) -> Any:
    del params
    return aval


def _jvp(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> Any:
    (x,), (t,) = primals, tangents
    return bind(store_dce_p, x, **params), t


def _batch(args: Sequence[Any], dims: Sequence[Any], **params: Any) -> Any:
    return bind(store_dce_p, *args, **params), dims[0]


def _lower(ctx: Any, x: Any, *, entry: int, leaf: int) -> Sequence[Any]:
    del ctx
    with _lock:
        record = _entries.get(entry)
        if record is not None:
            record.alive.add(leaf)
    return lowering_outputs([x])


define(
    store_dce_p,
    impl=_impl,
    abstract_eval=_abstract_eval,
    jvp=_jvp,
    batch=_batch,
    lower=_lower,
)


def _under_jit() -> bool:
    under: bool = jax_core.unsafe_am_i_under_a_jit()
    return under


def _abstract(leaf: Any) -> Any:
    # Not weakly typed: printed `f32[]`, as Equinox prints it.
    return jaxt.ShapeDtypeStruct(np.shape(leaf), leaf.dtype)


def store_dce(x: _T, name: Hashable = None) -> _T:
    """The identity on `x`; records, when the enclosing `jax.jit` /
    `eqx.filter_jit` function is compiled, which array leaves of `x` are
    still used after dead-code elimination. Read it with
    `eqx.debug.inspect_dce(name)`.

    Raises `RuntimeError` outside of a jitted function."""
    if not _under_jit():
        raise RuntimeError(
            "`equinox.debug.store_dce` should be used inside of JIT: "
            "call it inside a jax.jit / eqx.filter_jit function."
        )
    leaves, treedef = jtu.tree_flatten(x)
    positions = [i for i, leaf in enumerate(leaves) if is_array(leaf)]
    entry_id = next(_next_id)
    recorded = list(leaves)
    for i in positions:
        recorded[i] = _abstract(leaves[i])
    record = _Entry(name=name, treedef=treedef, leaves=recorded, positions=positions)
    with _lock:
        _entries[entry_id] = record
    for leaf_number, i in enumerate(positions):
        leaves[i] = bind(store_dce_p, leaves[i], entry=entry_id, leaf=leaf_number)
    rebuilt: _T = jtu.tree_unflatten(treedef, leaves)
    return rebuilt


def _as_kept(record: _Entry) -> Any:
    """The recorded value: kept arrays as `f32[3]`, removed ones `<DCE'd>`."""
    leaves = list(record.leaves)
    for leaf_number, i in enumerate(record.positions):
        if leaf_number not in record.alive:
            leaves[i] = _Removed()
    return jtu.tree_unflatten(record.treedef, leaves)


def inspect_dce(
    name: Hashable = None, announce: Callable[[str], object] = print
) -> None:
    """Print (via `announce`, one call per line) which array leaves of each
    `store_dce(..., name=name)` value survived dead-code elimination: kept
    ones as `f32[3]`, removed ones as `<DCE'd>`, in Equinox's format.

    Raises `RuntimeError` inside a jitted function."""
    if _under_jit():
        raise RuntimeError(
            "`equinox.debug.inspect_dce` should be used outside of JIT: call "
            "it after the jitted function has run."
        )
    with _lock:
        records = [record for record in _entries.values() if record.name == name]
    plural = "" if len(records) == 1 else "s"
    announce(f"Found {len(records)} call{plural} to `equinox.debug.store_dce`.")
    for number, record in enumerate(records):
        announce(f"Entry {number}:")
        announce(tree_pformat(_as_kept(record), struct_as_array=True))
