"""`store_dce` / `inspect_dce`: which parts of a value survive dead-code
elimination (DCE) in a jitted program.

`store_dce` wraps each array leaf in its own identity primitive. JAX removes
equations whose outputs are unused before lowering to MLIR, so the lowering
rule of that primitive runs exactly for the leaves that survived; it records
them. `inspect_dce` prints the record. Nothing is recorded when a function is
not compiled (eager code) or when a compiled function is called again from
JAX's cache: the record is made when the function is lowered.
"""

import dataclasses
import itertools
import threading
from collections.abc import Callable, Sequence
from typing import Any, Final, TypeVar

import jax.tree_util as jtu
import numpy as np
from jax.extend.core import Primitive

from .._filters import is_array
from .._tree_paths import flatten_with_path, path_str
from ._primitive import bind, define, lowering_outputs

_T = TypeVar("_T")

store_dce_p = Primitive("eqx_store_dce")


@dataclasses.dataclass
class _Entry:
    name: str
    paths: list[str]  # one per array leaf
    avals: list[str]
    alive: set[int] = dataclasses.field(default_factory=set[int])
    lowered: bool = False


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
            record.lowered = True
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


def _describe(leaf: Any) -> str:
    shape = "x".join(str(d) for d in np.shape(leaf))
    return f"{np.dtype(leaf.dtype).name}[{shape}]"


def store_dce(x: _T, name: str = "default") -> _T:
    """The identity on `x`; records, when the enclosing `jax.jit` /
    `eqx.filter_jit` function is compiled, which array leaves of `x` are
    still used after dead-code elimination. Read it with
    `eqx.debug.inspect_dce(name)`."""
    path_leaves, treedef = flatten_with_path(x)
    leaves = [leaf for _, leaf in path_leaves]
    positions = [i for i, leaf in enumerate(leaves) if is_array(leaf)]
    entry_id = next(_next_id)
    record = _Entry(
        name=name,
        paths=[path_str(path_leaves[i][0]) or "(root)" for i in positions],
        avals=[_describe(leaves[i]) for i in positions],
    )
    with _lock:
        _entries[entry_id] = record
    for leaf_number, i in enumerate(positions):
        leaves[i] = bind(store_dce_p, leaves[i], entry=entry_id, leaf=leaf_number)
    rebuilt: _T = jtu.tree_unflatten(treedef, leaves)
    return rebuilt


def inspect_dce(
    name: str = "default", announce: Callable[[str], object] = print
) -> None:
    """Print (via `announce`) which leaves of each `store_dce(..., name=name)`
    value were kept or removed by dead-code elimination, then forget those
    records."""
    with _lock:
        ids = [i for i, record in _entries.items() if record.name == name]
        records = [_entries.pop(i) for i in ids]
    if not records:
        announce(f"inspect_dce: nothing stored under the name {name!r}.")
        return
    lines: list[str] = []
    for number, record in enumerate(records):
        lines.append(f"store_dce {name!r}, entry {number}:")
        if not record.lowered:
            lines.append(
                "  (never compiled: call store_dce inside a jitted function and "
                "run it, or the whole value was removed)"
            )
        for k, (path, aval) in enumerate(zip(record.paths, record.avals, strict=True)):
            status = "kept" if k in record.alive else "removed"
            lines.append(f"  {path}: {aval} {status}")
    announce("\n".join(lines))
