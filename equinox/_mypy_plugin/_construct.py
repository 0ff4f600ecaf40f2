"""Check-time hook for `SomeModule(...)` calls.

- Reports `eqx-abstract` when the class still has `AbstractVar` /
  `AbstractClassVar` members no class in its MRO provides.
- Gives each `eqx.field(converter=f)` parameter of a generated `__init__` the
  type `f` accepts (its first parameter), not the field's annotated type.

Everything is computed from `TypeInfo.names` and the plugin's JSON metadata,
which are both in mypy's cache, so warm and cold runs agree.
"""

from collections.abc import Callable
from typing import Any, cast

from mypy.erasetype import erase_typevars
from mypy.nodes import (
    ARG_OPT,
    ARG_POS,
    ARG_STAR,
    Decorator,
    FuncDef,
    OverloadedFuncDef,
    SymbolTableNode,
    TypeInfo,
    Var,
)
from mypy.plugin import FunctionSigContext
from mypy.typeops import type_object_type
from mypy.types import (
    AnyType,
    CallableType,
    FunctionLike,
    Overloaded,
    Type,
    TypeOfAny,
    UnionType,
    get_proper_type,
)

from ._codes import ABSTRACT
from ._names import METADATA_KEY

Lookup = Callable[[str], SymbolTableNode | None]


def _metadata(info: TypeInfo) -> dict[str, Any]:
    data: Any = info.metadata.get(METADATA_KEY)
    return cast(dict[str, Any], data) if isinstance(data, dict) else {}


def _provides(sym: SymbolTableNode, kind: str) -> bool:
    """Whether a class-body name provides an abstract member of `kind`."""
    if sym.implicit or sym.plugin_generated or sym.node is None:
        return False
    node = sym.node
    if kind == "var":
        return isinstance(node, Var | FuncDef | Decorator | OverloadedFuncDef)
    # An AbstractClassVar is provided by a class attribute (`x = 1`,
    # `x: ClassVar[int] = 1`), a method/property, or (as in Equinox 0.13.8,
    # which accepts it at run time) an instance field `x: int`.
    if isinstance(node, Var):
        return node.has_explicit_value or not node.is_inferred
    return isinstance(node, FuncDef | Decorator | OverloadedFuncDef)


def outstanding_abstract(info: TypeInfo) -> list[str]:
    """Abstract attributes of `info` that no class in its MRO provides."""
    pending: dict[str, str] = {}
    for klass in reversed(info.mro):
        data = _metadata(klass)
        declared = {
            **{name: "var" for name in data.get("abstract_vars", ())},
            **{name: "classvar" for name in data.get("abstract_classvars", ())},
        }
        for name, kind in list(pending.items()):
            sym = klass.names.get(name)
            if name not in declared and sym is not None and _provides(sym, kind):
                del pending[name]
        pending.update(declared)
    return sorted(pending)


def _first_params(typ: Type) -> list[Type] | None:
    """The type each overload item accepts as its first positional argument."""
    proper = get_proper_type(typ)
    if isinstance(proper, CallableType):
        items = [proper]
    elif isinstance(proper, Overloaded):
        items = list(proper.items)
    else:
        return None
    found: list[Type] = []
    for item in items:
        if not item.arg_kinds or item.arg_kinds[0] not in (ARG_POS, ARG_OPT, ARG_STAR):
            return None
        found.append(item.arg_types[0])
    return found


def _callable_type(node: object) -> Type | None:
    if isinstance(node, TypeInfo):
        return type_object_type(node)
    if isinstance(node, Decorator):
        return node.var.type
    if isinstance(node, FuncDef | OverloadedFuncDef | Var):
        return node.type
    return None


def converter_input(spec: dict[str, Any], lookup: Lookup) -> Type:
    """What a converter accepts; `Any` when it cannot be known statically."""
    anything = AnyType(TypeOfAny.special_form)
    ref = spec.get("ref")
    if not isinstance(ref, str):
        return anything
    sym = lookup(ref)
    typ = _callable_type(sym.node) if sym is not None else None
    params = _first_params(typ) if typ is not None else None
    if not params:
        return anything
    return erase_typevars(UnionType.make_union(params))


def field_converters(info: TypeInfo) -> dict[str, dict[str, Any]]:
    """Converters of the fields of `info`, for the class that declares each."""
    found: dict[str, dict[str, Any]] = {}
    for klass in reversed(info.mro):
        declared = _metadata(klass).get("converters", {})
        for name, sym in klass.names.items():
            if isinstance(sym.node, Var) and not sym.implicit:
                spec = declared.get(name)
                if spec is None:
                    found.pop(name, None)
                else:
                    found[name] = spec
    return found


def _generated_init(info: TypeInfo) -> bool:
    sym = info.get("__init__")
    return sym is not None and sym.plugin_generated


def module_call_signature(
    ctx: FunctionSigContext, info: TypeInfo, lookup: Lookup
) -> FunctionLike:
    signature = ctx.default_signature
    missing = outstanding_abstract(info)
    if missing:
        ctx.api.fail(
            f'Cannot instantiate abstract module "{info.name}": it does not provide '
            + ", ".join(f'"{name}"' for name in missing)
            + " (declared AbstractVar/AbstractClassVar)",
            ctx.context,
            code=ABSTRACT,
        )
    if not _generated_init(info):
        return signature
    converters = field_converters(info)
    if not converters:
        return signature
    arg_types = [
        converter_input(converters[name], lookup)
        if name is not None and name in converters
        else typ
        for name, typ in zip(signature.arg_names, signature.arg_types, strict=True)
    ]
    return signature.copy_modified(arg_types=arg_types)  # pyright: ignore[reportUnknownMemberType]  # mypy leaves copy_modified's parameters unannotated
