"""Parser for jaxtyping shape strings (the `"b c"` in `Float[Array, "b c"]`).

One source of truth for the grammar, shared by the mypy plugin (which must not
import anything heavy) and the run-time side. Pure Python, no dependencies.

Grammar (per whitespace-separated token, as jaxtyping reads it):

- `3`: a fixed size; `name=3` is an alternative spelling of `3`.
- `n`: a named dimension, bound once per call and checked for consistency.
- `_`, `_n`: an anonymous dimension (any size, binds nothing).
- `...`, `*_`, `*_n`: any number of anonymous dimensions.
- `*n`: a named variadic group of dimensions.
- `#n`, `#3`, `#*n`, `*#n`: broadcastable (size 1 always matches).
- `?n`, `?*n`: a name that depends on the position within a PyTree.
- anything else (`n+1`, `2*n`, `min(a,b)`): a symbolic expression.
- `""`: a scalar (no dimensions).
"""

import ast
import dataclasses
import functools
from collections.abc import Mapping


class ShapeSpecError(ValueError):
    """A shape string that jaxtyping would reject, with the reason."""


@dataclasses.dataclass(frozen=True, slots=True)
class FixedDim:
    size: int
    broadcastable: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class NamedDim:
    name: str
    broadcastable: bool = False
    treepath: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class AnonymousDim:
    """`_` or `_name`: the name (if any) is documentation only."""

    name: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class SymbolicDim:
    expr: str
    broadcastable: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class VariadicDim:
    """`*name`, or anonymous (`...`, `*_`) when `name` is empty."""

    name: str = ""
    broadcastable: bool = False
    treepath: bool = False
    spelling: str = "..."

    @property
    def anonymous(self) -> bool:
        return self.name == ""


SingleDim = FixedDim | NamedDim | AnonymousDim | SymbolicDim
Dim = SingleDim | VariadicDim


@dataclasses.dataclass(frozen=True, slots=True)
class ShapeSpec:
    dims: tuple[Dim, ...]

    @property
    def variadic_index(self) -> int | None:
        for i, dim in enumerate(self.dims):
            if isinstance(dim, VariadicDim):
                return i
        return None

    @property
    def min_rank(self) -> int:
        return sum(not isinstance(d, VariadicDim) for d in self.dims)

    def __str__(self) -> str:
        return format_shape(self)


def parse_shape(text: str) -> ShapeSpec:
    """Parse a jaxtyping shape string; raise `ShapeSpecError` if jaxtyping would."""
    if not isinstance(text, str):  # pyright: ignore[reportUnnecessaryIsInstance]  # callers outside typed code
        raise ShapeSpecError(
            f"a shape specification must be a string, got {type(text).__name__}"
        )
    return _parse_cached(text)


@functools.lru_cache(maxsize=4096)
def _parse_cached(text: str) -> ShapeSpec:
    dims: list[Dim] = []
    for token in text.split():
        dim = _parse_token(token, text)
        if isinstance(dim, VariadicDim) and any(
            isinstance(d, VariadicDim) for d in dims
        ):
            raise ShapeSpecError(
                f"shape {text!r}: at most one variadic dimension (`*name` or `...`)"
                " is allowed"
            )
        dims.append(dim)
    return ShapeSpec(tuple(dims))


def _parse_token(token: str, text: str) -> Dim:
    where = f"shape {text!r}, dimension {token!r}"
    if "," in token and "(" not in token:
        raise ShapeSpecError(f"{where}: separate dimensions with spaces, not commas")
    if token.endswith("#"):
        raise ShapeSpecError(f"{where}: `#` goes before the name (`#name`)")
    if "..." in token:
        if token != "...":
            raise ShapeSpecError(f"{where}: `...` must stand on its own")
        return VariadicDim()
    broadcastable = variadic = anonymous = treepath = False
    rest = token
    while rest:
        head = rest[0]
        if head in "#*_?":
            seen = {"#": broadcastable, "*": variadic, "_": anonymous, "?": treepath}
            if seen[head]:
                raise ShapeSpecError(f"{where}: {head!r} used twice")
            if head == "#":
                broadcastable = True
            elif head == "*":
                variadic = True
            elif head == "_":
                anonymous = True
            else:
                treepath = True
            rest = rest[1:]
        elif rest.count("=") == 1:
            rest = rest.split("=")[1]
        else:
            break
    if rest == "" or rest.isidentifier():
        if anonymous:
            if broadcastable:
                raise ShapeSpecError(f"{where}: an anonymous dimension cannot be `#`")
            if variadic:
                return VariadicDim(spelling=token)
            return AnonymousDim(rest)
        if rest == "":
            raise ShapeSpecError(f"{where}: missing dimension name")
        if variadic:
            return VariadicDim(rest, broadcastable, treepath, token)
        return NamedDim(rest, broadcastable, treepath)
    try:
        size = int(rest)
    except ValueError:
        if anonymous or variadic or treepath:
            raise ShapeSpecError(
                f"{where}: a symbolic dimension cannot be anonymous, variadic or"
                " tree-path dependent"
            ) from None
        return SymbolicDim(rest, broadcastable)
    if anonymous or variadic or treepath:
        raise ShapeSpecError(
            f"{where}: a fixed size cannot be anonymous, variadic or tree-path"
            " dependent"
        )
    return FixedDim(size, broadcastable)


def format_dim(dim: Dim) -> str:
    match dim:
        case FixedDim(size, b):
            return ("#" if b else "") + str(size)
        case NamedDim(name, b, t):
            return ("?" if t else "") + ("#" if b else "") + name
        case AnonymousDim(name):
            return "_" + name
        case SymbolicDim(expr, b):
            return ("#" if b else "") + expr
        case VariadicDim(name, b, t, spelling):
            if name == "":
                return spelling
            return ("?" if t else "") + "*" + ("#" if b else "") + name


def format_shape(spec: ShapeSpec) -> str:
    """The canonical string for `spec`; `parse_shape` of it gives `spec` back."""
    return " ".join(format_dim(d) for d in spec.dims)


_ALLOWED_NODES = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.Constant,
    ast.Name,
    ast.Load,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.FloorDiv,
    ast.Mod,
    ast.Pow,
    ast.USub,
    ast.UAdd,
)


@functools.lru_cache(maxsize=1024)
def _symbolic_tree(expr: str) -> ast.Expression | None:
    try:
        tree = ast.parse(expr, mode="eval")
    except (SyntaxError, ValueError):
        return None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            return None
        if isinstance(node, ast.Constant) and type(node.value) is not int:
            return None
    return tree


def evaluate_symbolic(expr: str, sizes: Mapping[str, int]) -> int | None:
    """Value of an arithmetic dimension expression, or None when unknown.

    Only integer arithmetic over known names is evaluated; anything else
    (function calls, unbound names, huge powers, errors) is unknown.
    """
    tree = _symbolic_tree(expr)
    if tree is None:
        return None
    try:
        return _eval(tree.body, sizes)
    except (ArithmeticError, KeyError, ValueError):
        return None


def _eval(node: ast.expr, sizes: Mapping[str, int]) -> int:
    if isinstance(node, ast.Constant):
        value = node.value
        assert type(value) is int
        return value
    if isinstance(node, ast.Name):
        return sizes[node.id]
    if isinstance(node, ast.UnaryOp):
        value = _eval(node.operand, sizes)
        return -value if isinstance(node.op, ast.USub) else value
    assert isinstance(node, ast.BinOp)
    left, right = _eval(node.left, sizes), _eval(node.right, sizes)
    match node.op:
        case ast.Add():
            return left + right
        case ast.Sub():
            return left - right
        case ast.Mult():
            return left * right
        case ast.FloorDiv():
            return left // right
        case ast.Mod():
            return left % right
        case _:
            if right < 0 or right > 64 or abs(left) > 2**16:
                raise ValueError("power too large to evaluate statically")
            return int(left**right)


def symbolic_names(expr: str) -> frozenset[str]:
    """The dimension names an arithmetic expression refers to (empty if opaque)."""
    tree = _symbolic_tree(expr)
    if tree is None:
        return frozenset()
    return frozenset(n.id for n in ast.walk(tree) if isinstance(n, ast.Name))
