"""`tree_at`: out-of-place replacement of chosen nodes of a pytree.

`where` is called on a *probe*: a copy of the tree in which every node is a
fresh object, so each object `where` returns can be traced back, by identity,
to exactly one position in the original tree.
"""

import itertools
from collections.abc import Callable, Iterable, Sequence, Sized
from typing import Any, TypeVar, cast, overload

import jax.tree_util as jtu

from ._tree_check import tree_flatten_one_level

_T = TypeVar("_T")
_Path = tuple[int, ...]


class _LeafProbe:
    """Stands for one leaf of the original tree inside the probe."""

    __slots__ = ("path",)

    def __init__(self, path: _Path) -> None:
        self.path = path

    def __repr__(self) -> str:
        return f"<leaf at {self.path}>"


class _DistinctTuple(tuple[Any, ...]):
    """Stands for an empty tuple node: `()` is a singleton, this is not."""

    __slots__ = ()


_IsLeaf = Callable[[Any], bool] | None


def _children(node: Any, is_leaf: _IsLeaf) -> tuple[list[Any], Any] | None:
    """The node's children and a way to rebuild it, or None for a leaf."""
    if is_leaf is not None and is_leaf(node):
        return None
    children, treedef = tree_flatten_one_level(node)
    if treedef.num_nodes == 1 and treedef.num_leaves == 1:
        return None  # a leaf: `node` is its own only "child"
    return children, treedef


class _ProbeIndex:
    """Where each probe node sits; ids seen more than once are ambiguous."""

    def __init__(self) -> None:
        self.paths: dict[int, _Path] = {}
        self.ambiguous: set[int] = set()
        self.alive: list[Any] = []  # keeps every probe alive so ids stay unique

    def add(self, probe: Any, path: _Path) -> None:
        self.alive.append(probe)
        key = id(probe)
        # A singleton (`None`) seen more than once says nothing about position.
        if key in self.paths or key in self.ambiguous:
            self.paths.pop(key, None)
            self.ambiguous.add(key)
        else:
            self.paths[key] = path


def _build_probe(node: Any, path: _Path, is_leaf: _IsLeaf, index: _ProbeIndex) -> Any:
    split = _children(node, is_leaf)
    if split is None:
        probe: Any = _LeafProbe(path)
    else:
        children, treedef = split
        if type(node) is tuple and not children:
            probe = _DistinctTuple()
            index.add(probe, path)
            return probe
        probe = jtu.tree_unflatten(
            treedef,
            [
                _build_probe(child, (*path, i), is_leaf, index)
                for i, child in enumerate(children)
            ],
        )
    index.add(probe, path)
    return probe


def _describe(obj: Any) -> str:
    text = repr(obj)
    return text if len(text) < 60 else text[:57] + "..."


def _locate(selected: Any, index: _ProbeIndex) -> _Path:
    key = id(selected)
    if key in index.paths:
        return index.paths[key]
    if key in index.ambiguous:
        raise ValueError(
            f"tree_at: `where` returned {_describe(selected)}, which occurs at "
            "several places and so cannot be told apart. To select `None` "
            "nodes pass `is_leaf=lambda x: x is None`."
        )
    raise TypeError(
        f"tree_at: `where` must return nodes of the pytree it is given, but it "
        f"returned {_describe(selected)}, which is not one of them (was it "
        "computed rather than looked up?)."
    )


def _selected_paths(
    where: Callable[[Any], Any], pytree: Any, is_leaf: _IsLeaf
) -> tuple[list[_Path], bool]:
    """Paths of the nodes `where` picks, and whether it picked a single node."""
    index = _ProbeIndex()
    picked = where(_build_probe(pytree, (), is_leaf, index))
    if id(picked) in index.paths or not isinstance(picked, list | tuple):
        return [_locate(picked, index)], True
    sequence = cast(Sequence[Any], picked)
    return [_locate(p, index) for p in sequence], False


def _check_disjoint(paths: list[_Path]) -> None:
    # Picking the same node twice is allowed (the last replacement wins).
    ordered = sorted(set(paths))
    for a, b in itertools.pairwise(ordered):
        if b[: len(a)] == a:
            raise ValueError(
                "tree_at: `where` selected a node and one of its descendants; "
                "replace one or the other."
            )


def _rebuild(
    node: Any,
    path: _Path,
    todo: dict[_Path, Callable[[Any], Any]],
    prefixes: set[_Path],
    is_leaf: _IsLeaf,
) -> Any:
    if path in todo:
        return todo[path](node)
    if path not in prefixes:
        return node
    split = _children(node, is_leaf)
    assert split is not None  # a prefix of a selected path is an inner node
    children, treedef = split
    return jtu.tree_unflatten(
        treedef,
        [
            _rebuild(child, (*path, i), todo, prefixes, is_leaf)
            for i, child in enumerate(children)
        ],
    )


_MISSING: Any = object()


class _Constant:
    """`replace_fn` for a plain `replace` value: ignores the old node."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __call__(self, old: Any) -> Any:
        del old
        return self.value


def _replacement_values(replace: Any, count: int) -> list[Any]:
    if not isinstance(replace, Sized | Iterable):
        raise TypeError(
            f"tree_at: `where` selected a sequence of {count} nodes, so "
            f"`replace` must be a sequence of {count} values; got "
            f"{type(replace).__name__}."
        )
    values: list[Any] = list(cast(Iterable[Any], replace))
    if len(values) != count:
        raise ValueError(
            f"tree_at: `where` selected {count} nodes, so `replace` must be a "
            f"list/tuple of {count} values; got {len(values)}."
        )
    return values


@overload
def tree_at(
    where: Callable[[_T], Any],
    pytree: _T,
    replace: Any,
    *,
    is_leaf: Callable[[Any], bool] | None = None,
) -> _T: ...


@overload
def tree_at(
    where: Callable[[_T], Any],
    pytree: _T,
    *,
    replace_fn: Callable[[Any], Any],
    is_leaf: Callable[[Any], bool] | None = None,
) -> _T: ...


def tree_at(
    where: Callable[[_T], Any],
    pytree: _T,
    replace: Any = _MISSING,
    replace_fn: Callable[[Any], Any] = _MISSING,
    is_leaf: Callable[[Any], bool] | None = None,
) -> _T:
    """A copy of `pytree` with the node(s) that `where(pytree)` returns replaced.

    `where` returns one node or a list/tuple of nodes. Give either `replace`
    (the new value, or a sequence of them when `where` returns several) or
    `replace_fn` (applied to each old node). Modules are rebuilt without running
    their `__init__`.
    """
    if (replace is _MISSING) == (replace_fn is _MISSING):
        raise ValueError("tree_at: pass exactly one of `replace` and `replace_fn`.")
    paths, single = _selected_paths(where, pytree, is_leaf)
    _check_disjoint(paths)
    todo: dict[_Path, Callable[[Any], Any]]
    if replace_fn is not _MISSING:
        todo = dict.fromkeys(paths, replace_fn)
    elif single:
        todo = {paths[0]: _Constant(replace)}
    else:
        values = _replacement_values(replace, len(paths))
        todo = {p: _Constant(v) for p, v in zip(paths, values, strict=True)}
    prefixes = {p[:i] for p in paths for i in range(len(p))}
    result: _T = _rebuild(pytree, (), todo, prefixes, is_leaf)
    return result
