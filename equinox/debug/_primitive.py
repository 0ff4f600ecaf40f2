"""Typed access to the parts of JAX's primitive API that jax leaves untyped,
so the debug primitives stay clean under mypy and pyright strict."""

from collections.abc import Callable, Sequence
from typing import Any

from jax.extend.core import Primitive
from jax.interpreters import ad, batching, mlir

Rule = Callable[..., Any]
Zero = ad.Zero


def bind(primitive: Primitive, *args: Any, **params: Any) -> Any:
    """`primitive.bind`, typed."""
    return primitive.bind(*args, **params)  # type: ignore[no-untyped-call]  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]  # jax leaves bind untyped


def instantiate_zeros(tangent: Any) -> Any:
    """Turn a symbolic zero tangent into an array of zeros."""
    return ad.instantiate_zeros(tangent)  # type: ignore[no-untyped-call]  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]  # jax leaves it untyped


def is_undefined_primal(value: Any) -> bool:
    """Whether a transpose rule's argument is the linear input."""
    undefined: bool = ad.is_undefined_primal(value)  # type: ignore[no-untyped-call]  # pyright: ignore[reportUnknownMemberType]  # jax leaves it untyped
    return undefined


def define(
    primitive: Primitive,
    *,
    impl: Rule,
    abstract_eval: Rule,
    jvp: Rule,
    batch: Rule,
    lower: Rule,
    transpose: Rule | None = None,
) -> None:
    """Register every rule of a new primitive."""
    primitive.def_impl(impl)  # type: ignore[no-untyped-call]  # pyright: ignore[reportUnknownMemberType]  # jax leaves it untyped
    primitive.def_abstract_eval(abstract_eval)  # type: ignore[no-untyped-call]  # pyright: ignore[reportUnknownMemberType]  # jax leaves it untyped
    ad.primitive_jvps[primitive] = jvp  # pyright: ignore[reportUnknownMemberType]  # jax leaves the rule type untyped
    if transpose is not None:
        ad.primitive_transposes[primitive] = transpose  # pyright: ignore[reportUnknownMemberType]  # jax leaves the rule type untyped
    batching.primitive_batchers[primitive] = batch
    mlir.register_lowering(primitive, lower)  # pyright: ignore[reportUnknownMemberType]  # jax leaves the rule type untyped


def lowering_outputs(values: Sequence[Any]) -> Sequence[Any]:
    """What a lowering rule for an identity primitive returns."""
    return list(values)
