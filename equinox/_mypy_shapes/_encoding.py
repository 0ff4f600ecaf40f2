"""How a jaxtyping dtype and shape ride on a mypy type.

The annotation stays an ordinary `Instance` of its array class (so every other
check sees a plain `Array`); the dtype family and shape string are carried as a
string literal in the instance's `extra_attrs`, which mypy serialises into its
incremental cache along with the type.
"""

import dataclasses
import functools

from mypy.errorcodes import ErrorCode
from mypy.types import (
    ExtraAttrs,
    Instance,
    LiteralType,
    ProperType,
    Type,
    get_proper_type,
)

from .._shape_spec import ShapeSpec, ShapeSpecError, format_shape, parse_shape

SHAPE_CODE = ErrorCode(
    "jaxtyping-shape", "Check jaxtyping array shapes statically", "jaxtyping"
)
DTYPE_CODE = ErrorCode(
    "jaxtyping-dtype", "Check jaxtyping array dtypes statically", "jaxtyping"
)

NAMES_CODE = ErrorCode(
    "jaxtyping-names",
    "Two different dimension names of one signature or Module used as one size",
    "jaxtyping",
)

_KEY = "__jaxtyping_spec__"
_SEP = ":"


@dataclasses.dataclass(frozen=True, slots=True)
class ArraySpec:
    """Dtype family (e.g. "Float") and shape (None when not a literal string)."""

    dtype: str
    shape: ShapeSpec | None

    def shape_text(self) -> str:
        return "?" if self.shape is None else format_shape(self.shape)

    def __str__(self) -> str:
        return f'{self.dtype}[..., "{self.shape_text()}"]'


def attach(base: Instance, spec: ArraySpec, str_type: Instance) -> Instance:
    """A copy of `base` that carries `spec`."""
    shape = "" if spec.shape is None else format_shape(spec.shape)
    known = "1" if spec.shape is not None else "0"
    value = f"{spec.dtype}{_SEP}{known}{_SEP}{shape}"
    new = Instance(
        base.type,
        base.args,
        base.line,
        base.column,
        last_known_value=base.last_known_value,
    )
    new.extra_attrs = ExtraAttrs({_KEY: LiteralType(value, str_type)}, {_KEY})
    _attached[id(new)] = (new, value)
    return new


# mypy's union simplification (`make_simplified_union`, on `A | A`) sets
# `extra_attrs = None` *in place* on the surviving item, which may be the
# annotation of a signature or field. Every instance made here is remembered,
# so its spec survives that within a run (the cache keeps what was written).
_attached: dict[int, tuple[Instance, str]] = {}


def spec_of(typ: Type | None) -> ArraySpec | None:
    """The jaxtyping information carried by `typ`, if any."""
    if typ is None:
        return None
    proper: ProperType = get_proper_type(typ)
    if not isinstance(proper, Instance):
        return None
    if proper.extra_attrs is None:
        kept = _attached.get(id(proper))
        return _decode(kept[1]) if kept is not None and kept[0] is proper else None
    literal = proper.extra_attrs.attrs.get(_KEY)
    if not isinstance(literal, LiteralType) or not isinstance(literal.value, str):
        return None
    return _decode(literal.value)


@functools.lru_cache(maxsize=4096)
def _decode(value: str) -> ArraySpec | None:
    dtype, known, shape = value.split(_SEP, 2)
    if known == "0":
        return ArraySpec(dtype, None)
    try:
        return ArraySpec(dtype, parse_shape(shape))
    except ShapeSpecError:
        return None
