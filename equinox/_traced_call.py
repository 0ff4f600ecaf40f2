"""A call `fun(*args, **kwargs)` cut into traced leaves and static leaves, with
a body that JAX can trace over the traced leaves only. Shared by the
transformations that trace once per call (eval_shape, make_jaxpr, checkpoint,
closure_convert, pure_callback)."""

from collections.abc import Callable, Sequence
from typing import Any

import jax.tree_util as jtu

from ._leaves import ARRAY_TYPES, is_traced

_flatten = jtu.tree_flatten


class SplitOutput:
    """A function output cut into array leaves (which go through JAX) and
    static leaves (kept here, set when the body is traced)."""

    def __init__(self) -> None:
        self.treedef: Any = None
        self.static: list[Any] = []

    def split(self, out: Any) -> list[Any]:
        leaves, self.treedef = _flatten(out)
        arrays: list[Any] = []
        self.static = []
        for leaf in leaves:
            if isinstance(leaf, ARRAY_TYPES):
                arrays.append(leaf)
                self.static.append(None)
            else:
                self.static.append(leaf)
        return arrays

    def rebuild(self, arrays: Sequence[Any]) -> Any:
        """The output with `arrays` at the array leaves."""
        it = iter(arrays)
        return self.treedef.unflatten(
            [next(it) if leaf is None else leaf for leaf in self.static]
        )

    def arrays_only(self, arrays: Sequence[Any]) -> Any:
        """The output with `arrays` at the array leaves, None elsewhere."""
        it = iter(arrays)
        return self.treedef.unflatten(
            [next(it) if leaf is None else None for leaf in self.static]
        )

    def static_only(self) -> Any:
        """The output with None at the array leaves."""
        return self.treedef.unflatten(self.static)


class TracedCall:
    """`fun(*args, **kwargs)` with the traced leaves of `(fun, args, kwargs)`
    lifted out; `body(dynamic)` re-assembles and calls."""

    def __init__(
        self,
        fun: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        traced: Callable[[object], bool] = is_traced,
    ) -> None:
        leaves, self.treedef = _flatten((fun, args, kwargs))
        mask = [traced(leaf) for leaf in leaves]
        self.dynamic: list[Any] = [
            leaf for leaf, m in zip(leaves, mask, strict=True) if m
        ]
        self.template: list[Any] = [
            None if m else leaf for leaf, m in zip(leaves, mask, strict=True)
        ]
        self.mask = mask
        self.output = SplitOutput()

    def rebuild(self, dynamic: Sequence[Any]) -> tuple[Callable[..., Any], Any, Any]:
        it = iter(dynamic)
        full = [
            next(it) if m else leaf
            for leaf, m in zip(self.template, self.mask, strict=True)
        ]
        return self.treedef.unflatten(full)  # type: ignore[no-any-return]  # (fun, args, kwargs)

    def body(self, dynamic: Sequence[Any]) -> list[Any]:
        fun, args, kwargs = self.rebuild(dynamic)
        return self.output.split(fun(*args, **kwargs))
