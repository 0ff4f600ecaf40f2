"""`ω`: arithmetic on whole pytrees, leaf by leaf.

`(a**ω + b**ω).ω` is `tree_map(operator.add, a, b)`. An `ω` is itself a
leaf (not a pytree node) so it never leaks into the trees it wraps.
"""

from collections.abc import Callable
from typing import Any, Generic, TypeGuard, TypeVar

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


def _add(a: Any, b: Any) -> Any:
    return a + b


def _sub(a: Any, b: Any) -> Any:
    return a - b


def _mul(a: Any, b: Any) -> Any:
    return a * b


def _matmul(a: Any, b: Any) -> Any:
    return a @ b


def _truediv(a: Any, b: Any) -> Any:
    return a / b


def _floordiv(a: Any, b: Any) -> Any:
    return a // b


def _mod(a: Any, b: Any) -> Any:
    return a % b


def _pow(a: Any, b: Any) -> Any:
    return a**b


def _and(a: Any, b: Any) -> Any:
    return a & b


def _or(a: Any, b: Any) -> Any:
    return a | b


def _xor(a: Any, b: Any) -> Any:
    return a ^ b


def _lt(a: Any, b: Any) -> Any:
    return a < b


def _le(a: Any, b: Any) -> Any:
    return a <= b


def _gt(a: Any, b: Any) -> Any:
    return a > b


def _ge(a: Any, b: Any) -> Any:
    return a >= b


def _eq(a: Any, b: Any) -> Any:
    return a == b


def _ne(a: Any, b: Any) -> Any:
    return a != b


def _uneg(a: Any) -> Any:
    return -a


def _upos(a: Any) -> Any:
    return +a


def _uabs(a: Any) -> Any:
    return abs(a)


def _uinvert(a: Any) -> Any:
    return ~a


_SCALARS = (bool, int, float, complex, jax.Array, np.ndarray, np.generic)


def _is_omega(x: object) -> "TypeGuard[ω[Any]]":
    return isinstance(x, ω)


def _common_is_leaf(a: IsLeaf, b: IsLeaf) -> IsLeaf:
    """Two `ω`s combine if at most one sets `is_leaf`, or both set the same."""
    if a is None:
        return b
    if b is None or a is b:
        return a
    raise ValueError("`is_leaf` must match.")


class ω(Generic[_T], metaclass=_Metaω):
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

        def index(x: Any) -> Any:
            return x[item]

        return ω(
            jtu.tree_map(index, self.ω, is_leaf=self.is_leaf), is_leaf=self.is_leaf
        )

    @property
    def at(self) -> "_ωUpdateHelper[_T]":
        """`ω(tree).at[i].set(v)`: JAX's functional updates on every leaf."""
        return _ωUpdateHelper(self.ω, self.is_leaf)

    def _binary(
        self, other: object, op: Callable[[Any, Any], Any], reflected: bool
    ) -> "ω[_T]":
        if _is_omega(other):
            is_leaf = _common_is_leaf(self.is_leaf, other.is_leaf)
            if jtu.tree_structure(self.ω, is_leaf=is_leaf) != jtu.tree_structure(
                other.ω, is_leaf=is_leaf
            ):
                raise ValueError("PyTree structures must match.")

            def pair(a: Any, b: Any) -> Any:
                return op(b, a) if reflected else op(a, b)

            return ω(
                jtu.tree_map(pair, self.ω, other.ω, is_leaf=is_leaf), is_leaf=is_leaf
            )
        if isinstance(other, _SCALARS):

            def with_scalar(a: Any) -> Any:
                return op(other, a) if reflected else op(a, other)

            return ω(
                jtu.tree_map(with_scalar, self.ω, is_leaf=self.is_leaf),
                is_leaf=self.is_leaf,
            )
        raise RuntimeError("Type of `other` not understood.")

    def _unary(self, op: Callable[[Any], Any]) -> "ω[_T]":
        return ω(jtu.tree_map(op, self.ω, is_leaf=self.is_leaf), is_leaf=self.is_leaf)

    def __add__(self, other: object) -> "ω[_T]":
        return self._binary(other, _add, False)

    def __radd__(self, other: object) -> "ω[_T]":
        return self._binary(other, _add, True)

    def __sub__(self, other: object) -> "ω[_T]":
        return self._binary(other, _sub, False)

    def __rsub__(self, other: object) -> "ω[_T]":
        return self._binary(other, _sub, True)

    def __mul__(self, other: object) -> "ω[_T]":
        return self._binary(other, _mul, False)

    def __rmul__(self, other: object) -> "ω[_T]":
        return self._binary(other, _mul, True)

    def __matmul__(self, other: object) -> "ω[_T]":
        return self._binary(other, _matmul, False)

    def __rmatmul__(self, other: object) -> "ω[_T]":
        return self._binary(other, _matmul, True)

    def __truediv__(self, other: object) -> "ω[_T]":
        return self._binary(other, _truediv, False)

    def __rtruediv__(self, other: object) -> "ω[_T]":
        return self._binary(other, _truediv, True)

    def __floordiv__(self, other: object) -> "ω[_T]":
        return self._binary(other, _floordiv, False)

    def __rfloordiv__(self, other: object) -> "ω[_T]":
        return self._binary(other, _floordiv, True)

    def __mod__(self, other: object) -> "ω[_T]":
        return self._binary(other, _mod, False)

    def __rmod__(self, other: object) -> "ω[_T]":
        return self._binary(other, _mod, True)

    def __pow__(self, other: object) -> "ω[_T]":
        return self._binary(other, _pow, False)

    def __rpow__(self, other: object) -> "ω[_T]":
        return self._binary(other, _pow, True)

    def __and__(self, other: object) -> "ω[_T]":
        return self._binary(other, _and, False)

    def __rand__(self, other: object) -> "ω[_T]":
        return self._binary(other, _and, True)

    def __or__(self, other: object) -> "ω[_T]":
        return self._binary(other, _or, False)

    def __ror__(self, other: object) -> "ω[_T]":
        return self._binary(other, _or, True)

    def __xor__(self, other: object) -> "ω[_T]":
        return self._binary(other, _xor, False)

    def __rxor__(self, other: object) -> "ω[_T]":
        return self._binary(other, _xor, True)

    def __lt__(self, other: object) -> "ω[_T]":
        return self._binary(other, _lt, False)

    def __le__(self, other: object) -> "ω[_T]":
        return self._binary(other, _le, False)

    def __gt__(self, other: object) -> "ω[_T]":
        return self._binary(other, _gt, False)

    def __ge__(self, other: object) -> "ω[_T]":
        return self._binary(other, _ge, False)

    def __eq__(self, other: object) -> "ω[_T]":  # type: ignore[override]  # leafwise, as the library does
        return self._binary(other, _eq, False)

    def __ne__(self, other: object) -> "ω[_T]":  # type: ignore[override]  # leafwise, as the library does
        return self._binary(other, _ne, False)

    def __neg__(self) -> "ω[_T]":
        return self._unary(_uneg)

    def __pos__(self) -> "ω[_T]":
        return self._unary(_upos)

    def __abs__(self) -> "ω[_T]":
        return self._unary(_uabs)

    def __invert__(self) -> "ω[_T]":
        return self._unary(_uinvert)

    def __hash__(self) -> int:
        return id(self)


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

        return ω(
            jtu.tree_map(one, self.value, is_leaf=self.is_leaf), is_leaf=self.is_leaf
        )

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
        def one(x: Any) -> Any:
            return x.at[self.item].get(**kwargs)

        return ω(
            jtu.tree_map(
                one,
                self.value,
                is_leaf=self.is_leaf,
            ),
            is_leaf=self.is_leaf,
        )
