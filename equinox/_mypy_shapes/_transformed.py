"""Callables whose signature no longer describes their shapes.

`jax.vmap(f)`, `eqx.filter_vmap(model)`, `functools.partial(f, x)`... are typed
as returning `f`'s own type, but a vmapped function takes batched arrays. So a
callable produced by a call that received a callable is marked "transformed"
(in `extra_attrs` of the instance or of the callable's fallback, both kept in
mypy's cache), and calls to it are not shape-checked; its results carry no
shape either. A checker may lose precision here, never report a false error.
"""

from mypy.types import (
    CallableType,
    ExtraAttrs,
    Instance,
    LiteralType,
    NoneType,
    Overloaded,
    ProperType,
    TupleType,
    Type,
    get_proper_type,
)

from ._encoding import spec_of

_MARK = "__jaxtyping_transformed__"


def is_callable(typ: Type) -> bool:
    proper = get_proper_type(typ)
    if isinstance(proper, CallableType | Overloaded):
        return True
    return isinstance(proper, Instance) and proper.type.get("__call__") is not None


def _marked_instance(inst: Instance, vmap: LiteralType | None = None) -> Instance:
    new = Instance(
        inst.type,
        inst.args,
        inst.line,
        inst.column,
        last_known_value=inst.last_known_value,
    )
    attrs = inst.extra_attrs.copy() if inst.extra_attrs else ExtraAttrs({}, set())
    attrs.attrs[_MARK] = NoneType() if vmap is None else vmap
    attrs.immutable.add(_MARK)
    new.extra_attrs = attrs
    return new


def mark(typ: Type, vmap: LiteralType | None = None) -> Type:
    """`typ` flagged as transformed (unchanged if it cannot carry the flag).

    `vmap`: for `jax.vmap`/`eqx.filter_vmap` with literal axes, the literal
    "in_axes:out_axes" (`axes_text`), so calls can remove and add the mapped
    dimension.
    """
    proper = get_proper_type(typ)
    if isinstance(proper, Instance):
        return _marked_instance(proper, vmap)
    if isinstance(proper, CallableType):
        # A nameless callable (`Callable[P, R]`) gets a name, so that mypy
        # runs plugin hooks on its calls (which drop the return's shapes).
        name = proper.name
        if name is None and vmap is not None:
            name = "vmapped function"
        elif name is None and _carries_spec(proper.ret_type):
            name = "transformed function"
        fallback = _marked_instance(proper.fallback, vmap)
        return proper.copy_modified(fallback=fallback, name=name)  # pyright: ignore[reportUnknownMemberType]  # mypy types its sentinel defaults loosely
    return typ


def _carries_spec(typ: Type) -> bool:
    proper = get_proper_type(typ)
    if isinstance(proper, TupleType):
        return any(_carries_spec(item) for item in proper.items)
    return spec_of(proper) is not None


def is_transformed(typ: Type | None) -> bool:
    proper: ProperType | None = None if typ is None else get_proper_type(typ)
    if isinstance(proper, CallableType):
        proper = proper.fallback
    return (
        isinstance(proper, Instance)
        and proper.extra_attrs is not None
        and _MARK in proper.extra_attrs.attrs
    )


# One argument's (or output's) mapped axis; None: not mapped.
Axis = int | None
# `in_axes`/`out_axes`: one axis for every argument (output), or one each.
Axes = int | tuple[Axis, ...]


def axes_text(axes: Axes) -> str:
    """`0` or `(0,N)`: the form a mark carries (N for None)."""
    if isinstance(axes, int):
        return str(axes)
    return "(" + ",".join("N" if a is None else str(a) for a in axes) + ")"


def _parse_axes(text: str) -> Axes:
    if not text.startswith("("):
        return int(text)
    items = [t for t in text[1:-1].split(",") if t]
    return tuple(None if t == "N" else int(t) for t in items)


def vmap_axes(typ: Type | None) -> tuple[Axes, Axes] | None:
    """(in_axes, out_axes) of a callable made by vmap with literal axes."""
    proper: ProperType | None = None if typ is None else get_proper_type(typ)
    if isinstance(proper, CallableType):
        proper = proper.fallback
    if not isinstance(proper, Instance) or proper.extra_attrs is None:
        return None
    value = proper.extra_attrs.attrs.get(_MARK)
    if not isinstance(value, LiteralType) or not isinstance(value.value, str):
        return None
    first, _, second = value.value.partition(":")
    return _parse_axes(first), _parse_axes(second)


def strip_specs(typ: Type) -> Type:
    """`typ` without any array spec (the result of a transformed call)."""
    proper = get_proper_type(typ)
    if isinstance(proper, TupleType):
        items = [strip_specs(item) for item in proper.items]
        return proper.copy_modified(items=items)
    if isinstance(proper, Instance) and spec_of(proper) is not None:
        return Instance(
            proper.type,
            proper.args,
            proper.line,
            proper.column,
            last_known_value=proper.last_known_value,
        )
    return typ
