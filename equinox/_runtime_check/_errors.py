"""`eqx.TypeCheckError` and the text of its messages."""

import reprlib
from collections.abc import Iterable, Mapping
from typing import Final

import jax
import jaxtyping

from ._hints import HintCheck, format_hint
from ._explain import explain_failure


class TypeCheckError(jaxtyping.TypeCheckError):
    """A Module field, method argument or return value does not match its
    annotation (dtype, shape or type).

    Raised by the run-time checks that every `eqx.Module` runs when it is
    constructed and when an annotated method is called. A subclass of
    `jaxtyping.TypeCheckError`, itself a `TypeError`.
    """


_DTYPE_PREFIXES: Final = (
    ("bfloat", "bf"),
    ("float", "f"),
    ("uint", "u"),
    ("int", "i"),
    ("complex", "c"),
)
_repr: Final = reprlib.Repr()
_repr.maxstring = 60
_repr.maxother = 80


def _short_dtype(dtype: object) -> str:
    name = str(getattr(dtype, "name", dtype))
    for long, short in _DTYPE_PREFIXES:
        if name.startswith(long) and name[len(long) :].isdigit():
            return short + name[len(long) :]
    return name


def describe_value(value: object) -> str:
    """`f32[2,3]` for arrays (plus the array type when not a JAX array),
    otherwise the type and a short repr."""
    shape = getattr(value, "shape", None)
    dtype = getattr(value, "dtype", None)
    if isinstance(shape, tuple) and dtype is not None:
        dims = ",".join(str(size) for size in shape)  # pyright: ignore[reportUnknownVariableType, reportUnknownArgumentType]  # any array library
        text = f"{_short_dtype(dtype)}[{dims}]"
        if not isinstance(value, jax.Array):
            kind = type(value)
            text += f" ({kind.__module__}.{kind.__qualname__}, not a jax.Array)"
        return text
    return f"{type(value).__qualname__} {_repr.repr(value)}"


def type_check_error(
    owner: str,
    what: str,
    arguments: Mapping[str, object],
    passed: Iterable[tuple[str, HintCheck, object]],
    failing: HintCheck,
    value: object,
) -> TypeCheckError:
    """The error for `value` failing `failing`; `passed` are the checks run
    before it in the same memo (replayed to say where each dimension came from).
    """
    reason, bindings = explain_failure(arguments, passed, failing, value)
    return TypeCheckError(
        f"{owner}: {what} does not match its annotation.\n"
        f"  expected: {format_hint(failing.hint)}\n"
        f"  got:      {describe_value(value)}\n"
        f"  reason:   {reason}\n"
        f"  dimensions bound so far: {', '.join(bindings) if bindings else 'none'}"
    )
