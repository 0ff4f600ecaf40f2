"""dtype families of results: promotion (Int + Float is Float), literal dtypes.

Families are ordered Bool < integer < floating < complex. A family that spans
several levels (`Shaped`, `Num`, `Real`, `Inexact`, custom names) makes the
result `Shaped`: any dtype, never an error.
"""

from typing import Final

_LEVELS: Final[dict[str, int]] = {
    "Bool": 0,
    "Int": 1,
    "UInt": 1,
    "Integer": 1,
    "Float": 2,
    "BFloat16": 2,
    "Complex": 3,
    **{f"Int{n}": 1 for n in (2, 4, 8, 16, 32, 64)},
    **{f"UInt{n}": 1 for n in (2, 4, 8, 16, 32, 64)},
    **{f"Float{n}": 2 for n in (16, 32, 64)},
    "Complex64": 3,
    "Complex128": 3,
}
_GENERIC: Final = {1: "Int", 2: "Float", 3: "Complex", 0: "Bool"}

# A Python scalar operand: it adopts the array's dtype unless it is of a
# higher level (`2.0 * int_array` is a float array).
WEAK_INT: Final = "weak:1"
WEAK_FLOAT: Final = "weak:2"
WEAK_COMPLEX: Final = "weak:3"
WEAK_BOOL: Final = "weak:0"


def level(family: str) -> int | None:
    if family.startswith("weak:"):
        return int(family[5:])
    return _LEVELS.get(family)


def promote(first: str, second: str) -> str:
    """The family of `a op b` for arrays (or weak scalars) of these families."""
    a, b = level(first), level(second)
    if a is None or b is None:
        return "Shaped"
    weak_a, weak_b = first.startswith("weak:"), second.startswith("weak:")
    if weak_a and weak_b:
        return _GENERIC[max(a, b)]
    if weak_a or weak_b:
        strong, weak_level, strong_level = (second, a, b) if weak_a else (first, b, a)
        return strong if weak_level <= strong_level else _GENERIC[weak_level]
    if first == second:
        return first
    if a == b:  # e.g. Float32 + Float64, Int + UInt: only the level is sure
        return "Integer" if a == 1 else _GENERIC[a]
    return first if a > b else second


def promote_all(families: list[str]) -> str:
    out = families[0]
    for family in families[1:]:
        out = promote(out, family)
    return _GENERIC[level(out) or 0] if out.startswith("weak:") else out


def inexact(family: str) -> str:
    """The family of `exp(x)`, `x / y`, `mean(x)`: integers become floats."""
    lvl = level(family)
    if lvl is None:
        return "Shaped"
    return (
        "Float" if lvl <= 1 else _GENERIC[lvl] if family.startswith("weak:") else family
    )


def summed(family: str) -> str:
    """The family of `sum(x)`: booleans count as integers."""
    lvl = level(family)
    if lvl == 0:
        return "Int"
    return "Shaped" if lvl is None else family


# dtype objects/names as written in code (`jnp.int32`, "float32", int...).
_NAMED: Final[dict[str, str]] = {
    "bool": "Bool",
    "bool_": "Bool",
    "int": "Int",
    "float": "Float",
    "complex": "Complex",
    "bfloat16": "BFloat16",
    "complex64": "Complex64",
    # 64-bit types are 32-bit unless x64 is enabled: only the family is sure.
    "complex128": "Complex",
    "float64": "Float",
    "int64": "Int",
    "uint64": "UInt",
    "int_": "Int",
    "float_": "Float",
    "complex_": "Complex",
    **{f"int{n}": f"Int{n}" for n in (8, 16, 32)},
    **{f"uint{n}": f"UInt{n}" for n in (8, 16, 32)},
    **{f"float{n}": f"Float{n}" for n in (16, 32)},
}


def family_of_dtype_name(name: str) -> str | None:
    return _NAMED.get(name)
