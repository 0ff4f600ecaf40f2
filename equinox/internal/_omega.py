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


def _binary(
    name: str, op: Callable[[Any, Any], Any], reflected: bool = False
) -> Callable[["ω[_T]", object], "ω[_T]"]:
    def method(self: "ω[_T]", other: object) -> "ω[_T]":
        if _is_omega(other):
            other_ω = other
            is_leaf = _common_is_leaf(self.is_leaf, other_ω.is_leaf)
            if jtu.tree_structure(self.ω, is_leaf=is_leaf) != jtu.tree_structure(
                other_ω.ω, is_leaf=is_leaf
            ):
                raise ValueError("PyTree structures must match.")

            def pair(a: Any, b: Any) -> Any:
                return op(b, a) if reflected else op(a, b)

            pairs = jtu.tree_map(
                pair,
                self.ω,
                other_ω.ω,
                is_leaf=is_leaf,
            )
            return ω(pairs, is_leaf=is_leaf)
        if isinstance(other, _scalar_types()):

            def with_scalar(a: Any) -> Any:
                return op(other, a) if reflected else op(a, other)

            return ω(
                jtu.tree_map(
                    with_scalar,
                    self.ω,
                    is_leaf=self.is_leaf,
                ),
                is_leaf=self.is_leaf,
            )
        raise RuntimeError("Type of `other` not understood.")

    method.__name__ = name
    return method


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


def _scalar_types() -> tuple[type, ...]:
    return _SCALARS


def _is_omega(x: object) -> "TypeGuard[ω[Any]]":
    return isinstance(x, ω)


def _common_is_leaf(a: IsLeaf, b: IsLeaf) -> IsLeaf:
    """Two `ω`s combine if at most one sets `is_leaf`, or both set the same."""
    if a is None:
        return b
    if b is None or a is b:
        return a
    raise ValueError("`is_leaf` must match.")


def _unary(name: str, op: Callable[[Any], Any]) -> Callable[["ω[_T]"], "ω[_T]"]:
    def method(self: "ω[_T]") -> "ω[_T]":
        return ω(jtu.tree_map(op, self.ω, is_leaf=self.is_leaf), is_leaf=self.is_leaf)

    method.__name__ = name
    return method


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

    __add__ = _binary("__add__", _add)
    __radd__ = _binary("__radd__", _add, reflected=True)
    __sub__ = _binary("__sub__", _sub)
    __rsub__ = _binary("__rsub__", _sub, reflected=True)
    __mul__ = _binary("__mul__", _mul)
    __rmul__ = _binary("__rmul__", _mul, reflected=True)
    __matmul__ = _binary("__matmul__", _matmul)
    __rmatmul__ = _binary("__rmatmul__", _matmul, reflected=True)
    __truediv__ = _binary("__truediv__", _truediv)
    __rtruediv__ = _binary("__rtruediv__", _truediv, reflected=True)
    __floordiv__ = _binary("__floordiv__", _floordiv)
    __rfloordiv__ = _binary("__rfloordiv__", _floordiv, reflected=True)
    __mod__ = _binary("__mod__", _mod)
    __rmod__ = _binary("__rmod__", _mod, reflected=True)
    __pow__ = _binary("__pow__", _pow)
    __rpow__ = _binary("__rpow__", _pow, reflected=True)
    __and__ = _binary("__and__", _and)
    __rand__ = _binary("__rand__", _and, reflected=True)
    __or__ = _binary("__or__", _or)
    __ror__ = _binary("__ror__", _or, reflected=True)
    __xor__ = _binary("__xor__", _xor)
    __rxor__ = _binary("__rxor__", _xor, reflected=True)
    __lt__ = _binary("__lt__", _lt)
    __le__ = _binary("__le__", _le)
    __gt__ = _binary("__gt__", _gt)
    __ge__ = _binary("__ge__", _ge)
    __eq__ = _binary("__eq__", _eq)  # type: ignore[assignment]  # leafwise, as the library does
    __ne__ = _binary("__ne__", _ne)  # type: ignore[assignment]  # leafwise, as the library does
    __neg__ = _unary("__neg__", _uneg)
    __pos__ = _unary("__pos__", _upos)
    __abs__ = _unary("__abs__", _uabs)
    __invert__ = _unary("__invert__", _uinvert)
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
