"""Why a value does not match a jaxtyping array type, in one short sentence.

A wrong dtype says what to cast to (`dtype int32 is not floating; cast with
x.astype(jnp.float32)`); shape problems use jaxtyping's own explanation, which
names the dimension and the size bound earlier.
"""

from typing import Final

from ._arrays import numpy_forms, numpy_twin
from ._names import describe_value

# What a dtype family accepts, in words.
_FAMILY_WORDS: Final = {
    "Float": "floating",
    "Int": "a signed integer dtype",
    "UInt": "an unsigned integer dtype",
    "Integer": "an integer dtype",
    "Bool": "bool",
    "Complex": "complex",
    "Inexact": "floating or complex",
    "Real": "integer or floating",
    "Num": "numeric",
    "Key": "a PRNG key dtype",
}
# The dtype a cast suggestion names, first one the annotation accepts.
_CAST_TARGETS: Final = ("float32", "int32", "uint32", "complex64", "bool")


def _allowed(hint: type) -> tuple[str, ...] | None:
    dtypes: object = getattr(hint, "dtypes", None)
    if isinstance(dtypes, tuple | list) and all(isinstance(d, str) for d in dtypes):  # pyright: ignore[reportUnknownVariableType]  # jaxtyping leaves it untyped
        return tuple(str(d) for d in dtypes)  # pyright: ignore[reportUnknownVariableType, reportUnknownArgumentType]  # checked above
    return None


def _dtype_name(value: object) -> str | None:
    dtype = getattr(value, "dtype", None)
    scalar_type = getattr(dtype, "type", None)
    name = getattr(scalar_type, "__name__", None)
    return name if isinstance(name, str) else None


def _cast_advice(allowed: tuple[str, ...], family: str, subject: str) -> str:
    if family == "Key":
        return "make keys with jax.random.key(seed)"
    target = next((t for t in _CAST_TARGETS if t in allowed), allowed[0])
    spelled = "bool_" if target == "bool" else target
    return f"cast with {subject}.astype(jnp.{spelled})"


def _dtype_reason(hint: type, value: object, subject: str) -> str | None:
    allowed = _allowed(hint)
    name = _dtype_name(value)
    if allowed is None or name is None or name in allowed:
        return None
    family: str = getattr(getattr(hint, "dtype", None), "__name__", "")
    word = _FAMILY_WORDS.get(family, f"one of {', '.join(allowed)}")
    return f"dtype {name} is not {word}; {_cast_advice(allowed, family, subject)}"


def _jaxtyping_reason(hint: type, value: object) -> str | None:
    explain = getattr(hint, "__instancecheck_str__", None)
    if not callable(explain):
        return None
    text = explain(value)
    return text if isinstance(text, str) and text else None


def array_reason(hint: type, value: object, subject: str) -> str:
    """Why `value` fails `hint` (call in the memo state the check ran in)."""
    forms = numpy_forms(value)
    twin = numpy_twin(hint)
    candidate, checked_as = value, hint
    if forms and twin is not None:
        allowed = _allowed(hint)
        fitting = [f for f in forms if allowed is None or _dtype_name(f) in allowed]
        candidate, checked_as = (fitting or forms)[0], twin
    elif getattr(value, "shape", None) is None or getattr(value, "dtype", None) is None:
        return "not an array"
    reason = _dtype_reason(hint, candidate, subject)
    if reason is not None:
        return reason
    reason = _jaxtyping_reason(checked_as, candidate)
    if reason is not None:
        return reason
    return f"{describe_value(value)} does not fit"
