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


def _marked_instance(inst: Instance) -> Instance:
    new = Instance(
        inst.type,
        inst.args,
        inst.line,
        inst.column,
        last_known_value=inst.last_known_value,
    )
    attrs = inst.extra_attrs.copy() if inst.extra_attrs else ExtraAttrs({}, set())
    attrs.attrs[_MARK] = NoneType()
    attrs.immutable.add(_MARK)
    new.extra_attrs = attrs
    return new


def mark(typ: Type) -> Type:
    """`typ` flagged as transformed (unchanged if it cannot carry the flag)."""
    proper = get_proper_type(typ)
    if isinstance(proper, Instance):
        return _marked_instance(proper)
    if isinstance(proper, CallableType):
        return proper.copy_modified(fallback=_marked_instance(proper.fallback))  # pyright: ignore[reportUnknownMemberType]  # mypy types its sentinel defaults loosely
    return typ


def is_transformed(typ: Type | None) -> bool:
    proper: ProperType | None = None if typ is None else get_proper_type(typ)
    if isinstance(proper, CallableType):
        proper = proper.fallback
    return (
        isinstance(proper, Instance)
        and proper.extra_attrs is not None
        and _MARK in proper.extra_attrs.attrs
    )


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
