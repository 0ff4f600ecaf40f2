"""Element-wise functions and operators: which family each result has.

`KEEP` functions keep the operand's family (`abs`, `clip`), `INEXACT` ones turn
integers into floats (`exp`, `tanh`, every `jax.nn` activation), `BOOL` ones
return booleans (`isnan`). Binary ones broadcast and promote, or return
booleans (comparisons).
"""

from typing import Final

from ._broadcast import broadcast
from ._operands import Operand
from ._promote import inexact, promote_all

KEEP: Final = frozenset(
    "abs absolute negative positive square sign floor ceil round rint trunc fix"
    " clip nan_to_num conj conjugate real_if_close invert bitwise_not".split()
)
INEXACT: Final = frozenset(
    "exp exp2 expm1 log log1p log2 log10 sqrt cbrt sin cos tan arcsin arccos"
    " arctan sinh cosh tanh arcsinh arccosh arctanh deg2rad rad2deg sinc"
    " radians degrees"
    # jax.nn
    " relu relu6 sigmoid softplus silu swish gelu elu celu selu leaky_relu"
    " log_sigmoid hard_tanh hard_sigmoid hard_silu hard_swish soft_sign"
    " softmax log_softmax standardize mish squareplus sparse_plus"
    " sparse_sigmoid".split()
)
BOOL: Final = frozenset(
    "isnan isinf isfinite isneginf isposinf logical_not signbit".split()
)

ARITHMETIC: Final = frozenset(
    "add subtract multiply floor_divide power float_power mod remainder maximum"
    " minimum fmax fmin fmod copysign bitwise_and bitwise_or bitwise_xor"
    " left_shift right_shift".split()
)
INEXACT_BINARY: Final = frozenset(
    "divide true_divide arctan2 hypot logaddexp logaddexp2".split()
)
COMPARISONS: Final = frozenset(
    "equal not_equal less less_equal greater greater_equal logical_and"
    " logical_or logical_xor".split()
)

# Operator methods of `jax.Array`, as the ufunc they stand for.
OPERATORS: Final[dict[str, str]] = {
    "add": "add",
    "sub": "subtract",
    "mul": "multiply",
    "truediv": "divide",
    "floordiv": "floor_divide",
    "pow": "power",
    "mod": "mod",
    "and": "bitwise_and",
    "or": "bitwise_or",
    "xor": "bitwise_xor",
    "lshift": "left_shift",
    "rshift": "right_shift",
    "eq": "equal",
    "ne": "not_equal",
    "lt": "less",
    "le": "less_equal",
    "gt": "greater",
    "ge": "greater_equal",
}
SYMBOLS: Final[dict[str, str]] = {
    "add": "+",
    "subtract": "-",
    "multiply": "*",
    "divide": "/",
    "floor_divide": "//",
    "power": "**",
    "mod": "%",
    "bitwise_and": "&",
    "bitwise_or": "|",
    "bitwise_xor": "^",
    "left_shift": "<<",
    "right_shift": ">>",
    "equal": "==",
    "not_equal": "!=",
    "less": "<",
    "less_equal": "<=",
    "greater": ">",
    "greater_equal": ">=",
}


def unary(name: str, x: Operand) -> Operand:
    if name in BOOL:
        return Operand("Bool", x.shape)
    if name in INEXACT:
        return Operand(inexact(x.dtype), x.shape)
    return Operand(promote_all([x.dtype]), x.shape)


def binary(name: str, operands: list[Operand], distinct: frozenset[str]) -> Operand:
    """`name(*operands)` for a binary ufunc (or `where`'s value operands)."""
    shapes = [o.shape for o in operands]
    shape = None
    if all(s is not None for s in shapes):
        shape = broadcast([s for s in shapes if s is not None], distinct)
    if name in COMPARISONS:
        return Operand("Bool", shape)
    family = promote_all([o.dtype for o in operands])
    if name in INEXACT_BINARY:
        family = inexact(family)
    return Operand(family, shape)
