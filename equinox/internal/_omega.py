"""`ω`: arithmetic on whole pytrees, leaf by leaf.

`(a**ω + b**ω).ω` is `tree_map(operator.add, a, b)`. An `ω` is itself a
leaf (not a pytree node) so it never leaks into the trees it wraps.
"""

import operator
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import jax
import jax.tree_util as jtu
import numpy as np

_T = TypeVar("_T")
IsLeaf = Callable[[Any], bool] | None


class _Metaω(type):
    """Lets `tree**ω` wrap a tree: `tree.__pow__(ω)` fails, so Python asks
    the class `ω` (through its metaclass) for `__rpow__`."""

    def __rpow__(cls, value: _T) -> "ω[_T]":
        return ω(value)


def _binary(
    name: str, op: Callable[[Any, Any], Any], reflected: bool = False
) -> Callable[["ω[_T]", object], "ω[_T]"]:
    def method(self: "ω[_T]", other: object) -> "ω[_T]":
        if isinstance(other, ω):
            is_leaf = _common_is_leaf(self.is_leaf, other.is_leaf)
            if jtu.tree_structure(self.ω, is_leaf=is_leaf) != jtu.tree_structure(
                other.ω, is_leaf=is_leaf
            ):
                raise ValueError("PyTree structures must match.")
            pairs = jtu.tree_map(
                lambda a, b: op(b, a) if reflected else op(a, b),
                self.ω,
                other.ω,
                is_leaf=is_leaf,
            )
            return ω(pairs, is_leaf=is_leaf)
        if isinstance(other, _scalar_types()):
            return ω(
                jtu.tree_map(
                    lambda a: op(other, a) if reflected else op(a, other),
                    self.ω,
                    is_leaf=self.is_leaf,
                ),
                is_leaf=self.is_leaf,
            )
        raise RuntimeError("Type of `other` not understood.")

    method.__name__ = name
    return method


_SCALARS = (bool, int, float, complex, jax.Array, np.ndarray, np.generic)


def _scalar_types() -> tuple[type, ...]:
    return _SCALARS


def _common_is_leaf(a: IsLeaf, b: IsLeaf) -> IsLeaf:
    """Two `ω`s combine if at most one sets `is_leaf`, or both set the same."""
    if a is None:
        return b
    if b is None or a is b:
        return a
    raise ValueError("`is_leaf` must match.")


def _unary(
    name: str, op: Callable[[Any], Any]
) -> Callable[["ω[_T]"], "ω[_T]"]:
    def method(self: "ω[_T]") -> "ω[_T]":
        return ω(jtu.tree_map(op, self.ω, is_leaf=self.is_leaf), is_leaf=self.is_leaf)

    method.__name__ = name
    return method


class ω(Generic[_T], metaclass=_Metaω):  # noqa: N801  # the library's spelling
    """Wraps a pytree so that arithmetic applies leaf by leaf:
    `(ω(a) + ω(b)).ω == tree_map(operator.add, a, b)`; `a**ω` is `ω(a)`.
    Scalars and arrays combine with every leaf; two `ω`s need the same
    structure and the same `is_leaf`."""

    def __init__(self, value: _T, is_leaf: IsLeaf = None) -> None:
        self.ω = value
        self.is_leaf = is_leaf

    def __repr__(self) -> str:
        return f"ω({self.ω!r})"

    def call(self, fn: Callable[[Any], Any]) -> "ω[Any]":
        """Map `fn` over the leaves."""
        return ω(jtu.tree_map(fn, self.ω, is_leaf=self.is_leaf), is_leaf=self.is_leaf)

    def __getitem__(self, item: Any) -> "ω[_T]":
        """Index every leaf."""
        return ω(
            jtu.tree_map(lambda x: x[item], self.ω, is_leaf=self.is_leaf),
            is_leaf=self.is_leaf,
        )

    @property
    def at(self) -> "_ωUpdateHelper[_T]":
        """`ω(tree).at[i].set(v)`: JAX's functional updates on every leaf."""
        return _ωUpdateHelper(self.ω, self.is_leaf)

    __add__ = _binary("__add__", operator.add)
    __radd__ = _binary("__radd__", operator.add, reflected=True)
    __sub__ = _binary("__sub__", operator.sub)
    __rsub__ = _binary("__rsub__", operator.sub, reflected=True)
    __mul__ = _binary("__mul__", operator.mul)
    __rmul__ = _binary("__rmul__", operator.mul, reflected=True)
    __matmul__ = _binary("__matmul__", operator.matmul)
    __rmatmul__ = _binary("__rmatmul__", operator.matmul, reflected=True)
    __truediv__ = _binary("__truediv__", operator.truediv)
    __rtruediv__ = _binary("__rtruediv__", operator.truediv, reflected=True)
    __floordiv__ = _binary("__floordiv__", operator.floordiv)
    __rfloordiv__ = _binary("__rfloordiv__", operator.floordiv, reflected=True)
    __mod__ = _binary("__mod__", operator.mod)
    __rmod__ = _binary("__rmod__", operator.mod, reflected=True)
    __pow__ = _binary("__pow__", operator.pow)
    __rpow__ = _binary("__rpow__", operator.pow, reflected=True)
    __and__ = _binary("__and__", operator.and_)
    __rand__ = _binary("__rand__", operator.and_, reflected=True)
    __or__ = _binary("__or__", operator.or_)
    __ror__ = _binary("__ror__", operator.or_, reflected=True)
    __xor__ = _binary("__xor__", operator.xor)
    __rxor__ = _binary("__rxor__", operator.xor, reflected=True)
    __lt__ = _binary("__lt__", operator.lt)
    __le__ = _binary("__le__", operator.le)
    __gt__ = _binary("__gt__", operator.gt)
    __ge__ = _binary("__ge__", operator.ge)
    __eq__ = _binary("__eq__", operator.eq)  # type: ignore[assignment]  # leafwise, as the library does
    __ne__ = _binary("__ne__", operator.ne)  # type: ignore[assignment]  # leafwise, as the library does
    __neg__ = _unary("__neg__", operator.neg)
    __pos__ = _unary("__pos__", operator.pos)
    __abs__ = _unary("__abs__", operator.abs)
    __invert__ = _unary("__invert__", operator.invert)
    __hash__ = object.__hash__


class _ωUpdateHelper(Generic[_T]):
    def __init__(self, value: _T, is_leaf: IsLeaf) -> None:
        self.value = value
        self.is_leaf = is_leaf

    def __getitem__(self, item: Any) -> "_ωUpdateRef[_T]":
        return _ωUpdateRef(self.value, item, self.is_leaf)


class _ωUpdateRef(Generic[_T]):
    def __init__(self, value: _T, item: Any, is_leaf: IsLeaf) -> None:
        self.value = value
        self.item = item
        self.is_leaf = is_leaf

    def _update(self, method: str, update: Any, **kwargs: Any) -> ω[_T]:
        def one(x: Any) -> Any:
            return getattr(x.at[self.item], method)(update, **kwargs)

        return ω(jtu.tree_map(one, self.value, is_leaf=self.is_leaf), is_leaf=self.is_leaf)

    def set(self, update: Any, **kwargs: Any) -> ω[_T]:
        return self._update("set", update, **kwargs)

    def add(self, update: Any, **kwargs: Any) -> ω[_T]:
        return self._update("add", update, **kwargs)

    def multiply(self, update: Any, **kwargs: Any) -> ω[_T]:
        return self._update("multiply", update, **kwargs)

    def divide(self, update: Any, **kwargs: Any) -> ω[_T]:
        return self._update("divide", update, **kwargs)

    def power(self, update: Any, **kwargs: Any) -> ω[_T]:
        return self._update("power", update, **kwargs)

    def min(self, update: Any, **kwargs: Any) -> ω[_T]:
        return self._update("min", update, **kwargs)

    def max(self, update: Any, **kwargs: Any) -> ω[_T]:
        return self._update("max", update, **kwargs)

    def get(self, **kwargs: Any) -> ω[_T]:
        return ω(
            jtu.tree_map(lambda x: x.at[self.item].get(**kwargs), self.value, is_leaf=self.is_leaf),
            is_leaf=self.is_leaf,
        )
