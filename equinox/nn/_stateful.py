"""Mutable-looking state for layers such as BatchNorm: `StateIndex` and `State`.

A layer that needs state holds a `StateIndex(initial_value)`. `State(model)`
collects the initial values of every `StateIndex` in a model into one pytree,
keyed by each index's unique marker. Layers read with `state.get(index)` and
write with `state.set(index, value)`, which returns a new `State`: nothing is
mutated, so everything works under `jax.jit`, `jax.vmap` and `jax.grad`.
"""

import itertools
from collections.abc import Callable
from typing import Any, Generic, ParamSpec, TypeVar, cast

import jax
import jax.tree_util as jtu
import numpy as np

from .._field import field
from .._module import Module

_P = ParamSpec("_P")
_M = TypeVar("_M")
_V = TypeVar("_V")

# Markers are plain ints: hashable, static, and readable in error messages.
_markers = itertools.count()


class StateIndex(Module, Generic[_V]):
    """Names one piece of state, and remembers its initial value.

    Put one in a layer (`self.index = StateIndex(jnp.zeros(3))`); build the
    model with `make_with_state`, then read and write the value through the
    `State` it returns. Copies of one `StateIndex` (after `jax.jit`, `tree_at`,
    ...) share its marker and so refer to the same state.
    """

    marker: int = field(static=True)
    init: _V
    # True once `delete_init_state` has dropped `init` (then `init` is None).
    init_deleted: bool = field(static=True)

    def __init__(self, init: _V) -> None:
        """`init`: the initial value, any pytree of arrays."""
        _check_arrays("StateIndex", "init", init)
        self.marker = next(_markers)
        self.init = init
        self.init_deleted = False


def _check_arrays(where: str, name: str, value: Any) -> None:
    for leaf in jtu.tree_leaves(value):
        if not isinstance(leaf, jax.Array | np.ndarray | np.generic):
            raise TypeError(
                f"{where}: `{name}` must be a pytree of arrays, but it contains "
                f"{leaf!r} of type {type(leaf).__name__}."
            )


def _is_index(node: object) -> bool:
    return isinstance(node, StateIndex)


def _indices(pytree: Any) -> list[StateIndex[Any]]:
    return [
        leaf for leaf in jtu.tree_leaves(pytree, is_leaf=_is_index) if _is_index(leaf)
    ]


def _describe_value(value: Any) -> str:
    parts = [
        f"{np.dtype(leaf.dtype).name}{list(leaf.shape)}"
        if hasattr(leaf, "shape")
        else repr(leaf)
        for leaf in jtu.tree_leaves(value)
    ]
    structure = jtu.tree_structure(value)
    return f"{', '.join(parts) or 'no arrays'} (structure {structure})"


def _same_layout(old: Any, new: Any) -> bool:
    if jtu.tree_structure(old) != jtu.tree_structure(new):
        return False
    for a, b in zip(jtu.tree_leaves(old), jtu.tree_leaves(new), strict=True):
        if not hasattr(b, "shape") or not hasattr(b, "dtype"):
            return False
        if np.shape(a) != np.shape(b) or np.dtype(a.dtype) != np.dtype(b.dtype):
            return False
    return True


class State(Module):
    """The current values of every `StateIndex` of a model: an immutable pytree.

    `State(model)` starts from the indices' initial values. `get` reads;
    `set` returns an updated copy. Pass it into and out of `jax.jit` and
    `jax.vmap` like any other pytree (usually `in_axes=None`/`out_axes=None`
    under `vmap`, since state is shared by the batch).
    """

    values: dict[int, Any]

    def __init__(self, model: Any) -> None:
        """`model`: any pytree; every `StateIndex` in it contributes a value."""
        values: dict[int, Any] = {}
        for index in _indices(model):
            if index.init_deleted:
                raise ValueError(
                    f"State: the StateIndex with marker {index.marker} has had its "
                    "initial value removed by `delete_init_state`, so a State "
                    "cannot be built from this model. Build it from the model "
                    "before `delete_init_state`, or use the State that "
                    "`make_with_state` returned."
                )
            values[index.marker] = index.init
        self.values = values

    def _lookup(self, method: str, index: object) -> Any:
        if not isinstance(index, StateIndex):
            raise TypeError(
                f"State.{method}: expected a StateIndex, got {type(index).__name__}."
            )
        if index.marker not in self.values:
            raise KeyError(
                f"State.{method}: the StateIndex with marker {index.marker} is not "
                "part of this State; was the State built from a different model?"
            )
        return self.values[index.marker]

    def get(self, index: StateIndex[_V]) -> _V:
        """The current value stored for `index`."""
        value: _V = self._lookup("get", index)
        return value

    def set(self, index: StateIndex[_V], value: _V) -> "State":
        """A copy of this State with `value` stored for `index`.

        `value` must have the same pytree structure, shapes and dtypes as the
        value it replaces.
        """
        old = self._lookup("set", index)
        if not _same_layout(old, value):
            raise ValueError(
                f"State.set: the new value for the StateIndex with marker "
                f"{index.marker} must match the old one in structure, shape and "
                f"dtype. Old: {_describe_value(old)}; new: {_describe_value(value)}."
            )
        return _make_state({**self.values, index.marker: value})

    def substate(self, pytree: Any) -> "State":
        """The part of this State used by the `StateIndex`es inside `pytree`."""
        return _make_state(
            {
                index.marker: self._lookup("substate", index)
                for index in _indices(pytree)
            }
        )

    def update(self, substate: "State") -> "State":
        """A copy of this State with the entries of `substate` written into it."""
        _check_state(substate)
        unknown = sorted(set(substate.values) - set(self.values))
        if unknown:
            raise KeyError(
                f"State.update: markers {unknown} of the substate are not part of "
                "this State."
            )
        return _make_state({**self.values, **substate.values})


def _check_state(substate: object) -> None:
    if not isinstance(substate, State):
        raise TypeError(
            f"State.update: expected a State, got {type(substate).__name__}."
        )


def _make_state(values: dict[int, Any]) -> State:
    # Skips `State.__init__` (which builds from a model), as unflattening does.
    state = object.__new__(State)
    object.__setattr__(state, "values", values)
    return state


def _deleted_copy(index: StateIndex[_V]) -> StateIndex[_V]:
    copy = cast("StateIndex[_V]", object.__new__(StateIndex))
    for name, value in (
        ("marker", index.marker),
        ("init", None),
        ("init_deleted", True),
    ):
        object.__setattr__(copy, name, value)
    return copy


def delete_init_state(model: _M) -> _M:
    """A copy of `model` whose `StateIndex`es no longer hold initial values.

    The initial values are only needed to build a `State`; dropping them frees
    their memory and keeps them out of gradients and optimiser updates.
    """

    def strip(node: Any) -> Any:
        return _deleted_copy(cast(StateIndex[Any], node)) if _is_index(node) else node

    result: _M = jtu.tree_map(strip, model, is_leaf=_is_index)
    return result


def make_with_state(
    make_model: Callable[_P, _M],
) -> Callable[_P, tuple[_M, State]]:
    """Wraps a model constructor so that it returns `(model, state)`.

    `make_with_state(Cls)(*args, **kwargs)` builds `Cls(*args, **kwargs)`,
    collects its initial state into a `State`, and deletes the initial values
    from the model (see `delete_init_state`).
    """

    def make(*args: _P.args, **kwargs: _P.kwargs) -> tuple[_M, State]:
        model = make_model(*args, **kwargs)
        state = State(model)
        return delete_init_state(model), state

    return make
