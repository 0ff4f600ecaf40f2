"""Inferred shapes as tuples of terms, and back to jaxtyping specs.

An inferred dimension is a `Term` (`_unify.py`): a known size, a name of the
current scope (`Sym`) or unknown (`None`). Only fully ranked shapes are
inferred; a spec with a variadic group converts to None (rank unknown).
"""

from .._shape_spec import (
    AnonymousDim,
    Dim,
    FixedDim,
    NamedDim,
    ShapeSpec,
    SymbolicDim,
    VariadicDim,
)
from ._encoding import ArraySpec
from ._unify import Sym, Term

Shape = tuple[Term, ...]


def terms_of(spec: ArraySpec | None) -> Shape | None:
    """The dimensions of `spec` as terms; None when its rank is unknown."""
    if spec is None or spec.shape is None:
        return None
    out: list[Term] = []
    for dim in spec.shape.dims:
        match dim:
            case VariadicDim():
                return None
            case FixedDim(size, _):
                out.append(size)
            case NamedDim(name, _, False):
                out.append(Sym(name))
            case _:  # anonymous, symbolic, tree-path dependent
                out.append(None)
    return tuple(out)


def _dim(term: Term) -> Dim:
    if isinstance(term, int):
        return FixedDim(term)
    if isinstance(term, Sym):
        return NamedDim(term.name)
    return AnonymousDim()


def spec_from(dtype: str, shape: Shape | None) -> ArraySpec:
    return ArraySpec(
        dtype, None if shape is None else ShapeSpec(tuple(map(_dim, shape)))
    )


def show(term: Term) -> str:
    if isinstance(term, Sym):
        return term.name
    return "?" if term is None else str(term)


def show_shape(shape: Shape) -> str:
    return "(" + ", ".join(map(show, shape)) + ("," if len(shape) == 1 else "") + ")"


def same_dims(spec: ArraySpec) -> bool:
    """Whether `spec` has a shape with no symbolic or anonymous parts to lose."""
    return spec.shape is not None and not any(
        isinstance(d, SymbolicDim | AnonymousDim) for d in spec.shape.dims
    )
