"""jaxtyping's dtype families as sets of concrete dtype names.

Mirrors the lists jaxtyping checks at run time: a family is the set of dtypes it
accepts, so "can an array of family A be used where B is wanted" is "do the sets
meet". `None` stands for `Shaped` (any dtype).
"""

from typing import Final

_BOOLS: Final = frozenset({"bool"})
_UINTS: Final = frozenset(f"uint{n}" for n in (2, 4, 8, 16, 32, 64))
_INTS: Final = frozenset(f"int{n}" for n in (2, 4, 8, 16, 32, 64))
_FLOAT8: Final = frozenset(
    {
        "float8_e4m3b11fnuz",
        "float8_e4m3fn",
        "float8_e4m3fnuz",
        "float8_e5m2",
        "float8_e5m2fnuz",
    }
)
_FLOATS: Final = (
    frozenset({"float4_e2m1fn", "bfloat16", "float16", "float32", "float64"}) | _FLOAT8
)
_COMPLEXES: Final = frozenset({"complex64", "complex128"})
_KEYS: Final = frozenset({"prng_key"})

FAMILIES: Final[dict[str, frozenset[str] | None]] = {
    "Shaped": None,
    "Num": _UINTS | _INTS | _FLOATS | _COMPLEXES,
    "Real": _UINTS | _INTS | _FLOATS,
    "Inexact": _FLOATS | _COMPLEXES,
    "Float": _FLOATS,
    "Complex": _COMPLEXES,
    "Integer": _UINTS | _INTS,
    "Int": _INTS,
    "UInt": _UINTS,
    "Bool": _BOOLS,
    "Key": _KEYS,
    "BFloat16": frozenset({"bfloat16"}),
    "Float4e2m1fn": frozenset({"float4_e2m1fn"}),
    "Float8e4m3b11fnuz": frozenset({"float8_e4m3b11fnuz"}),
    "Float8e4m3fn": frozenset({"float8_e4m3fn"}),
    "Float8e4m3fnuz": frozenset({"float8_e4m3fnuz"}),
    "Float8e5m2": frozenset({"float8_e5m2"}),
    "Float8e5m2fnuz": frozenset({"float8_e5m2fnuz"}),
    "Complex64": frozenset({"complex64"}),
    "Complex128": frozenset({"complex128"}),
    **{f"Float{n}": frozenset({f"float{n}"}) for n in (16, 32, 64)},
    **{f"Int{n}": frozenset({f"int{n}"}) for n in (2, 4, 8, 16, 32, 64)},
    **{f"UInt{n}": frozenset({f"uint{n}"}) for n in (2, 4, 8, 16, 32, 64)},
}


def can_be(actual: str, expected: str) -> bool:
    """Whether an array annotated with family `actual` may satisfy `expected`.

    Unknown family names (e.g. from `make_numpy_struct_dtype`) may be anything.
    """
    got = FAMILIES.get(actual)
    want = FAMILIES.get(expected)
    if got is None or want is None:
        return True
    return not got.isdisjoint(want)


def narrower(first: str, second: str) -> str:
    """The more specific of two families of a nested annotation (best effort)."""
    a, b = FAMILIES.get(first), FAMILIES.get(second)
    if a is None:
        return second
    if b is None:
        return first
    return first if a <= b else second
