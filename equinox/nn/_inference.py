"""`inference_mode`: switch every layer with an `inference` flag at once."""

import dataclasses
from typing import Any, TypeVar

import jax.tree_util as jtu

from .._field import STATIC_KEY
from .._module import Module
from .._tree_at import tree_at

_T = TypeVar("_T")


def _has_inference_field(node: object) -> bool:
    if not isinstance(node, Module):
        return False
    for f in dataclasses.fields(node):
        if f.name == "inference":
            if f.metadata.get(STATIC_KEY):
                # Static fields live in the treedef, where tree_at cannot reach.
                raise TypeError(
                    f"inference_mode: {type(node).__qualname__}.inference is a "
                    "static field; declare it as an ordinary field (`inference: "
                    "bool`) so that it can be switched."
                )
            return True
    return False


def _inference_flags(pytree: Any) -> list[Any]:
    """The `inference` field of every module in `pytree`, nested ones included."""
    found: list[Any] = []

    def visit(node: object) -> bool:
        if _has_inference_field(node):
            found.append(node)
        return False  # never stop: modules inside this one may have flags too

    jtu.tree_leaves(pytree, is_leaf=visit)
    return [getattr(module, "inference") for module in found]  # noqa: B009


def _check_bool(value: object) -> None:
    if not isinstance(value, bool):
        raise TypeError(
            f"inference_mode: `value` must be a bool, got {type(value).__name__}."
        )


def inference_mode(model: _T, value: bool = True) -> _T:
    """A copy of `model` in which every module's `inference` field is `value`.

    Layers such as `Dropout`, `BatchNorm` and `MultiheadAttention` behave
    deterministically (no dropout, running statistics) when `inference=True`.
    Call `inference_mode(model, False)` to switch back to training behaviour.
    """
    _check_bool(value)
    return tree_at(_inference_flags, model, replace_fn=lambda _: value)
