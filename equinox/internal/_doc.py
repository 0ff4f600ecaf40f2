"""`doc_repr` / `doc_remove_args`: hooks for documentation generators.

At run time they change nothing about behaviour; they exist so that code
written for the library imports and runs."""

from collections.abc import Callable
from typing import TypeVar

_T = TypeVar("_T")


def doc_repr(obj: _T, string: str) -> _T:
    """Returns `obj` itself; `string` is how documentation should show it."""
    del string
    return obj


def doc_remove_args(*args: str) -> Callable[[_T], _T]:
    """Decorator returning its argument unchanged; names the `args` that
    documentation should hide from the signature."""
    del args

    def doc_remove_args_impl(obj: _T) -> _T:
        return obj

    return doc_remove_args_impl
