"""The dimension names of the scope being checked, which differ pairwise.

A function's own signature, and in a method the fields of its class, bind
names in one memo: two different names there are two different sizes (the
`jaxtyping-names` rule). Names reaching the function from elsewhere (a
module-level variable, another object's fields) are not in this set.
"""

from mypy.checker import TypeChecker
from mypy.nodes import FuncItem, TypeInfo, Var
from mypy.types import CallableType, TupleType, Type, UnionType, get_proper_type

from .._shape_spec import NamedDim, VariadicDim
from ._encoding import spec_of

_cache: dict[int, tuple[FuncItem, frozenset[str]]] = {}


def _names(typ: Type | None, out: set[str]) -> None:
    proper = get_proper_type(typ) if typ is not None else None
    if isinstance(proper, UnionType | TupleType):
        for item in proper.items:
            _names(item, out)
        return
    spec = spec_of(proper)
    if spec is None or spec.shape is None:
        return
    for dim in spec.shape.dims:
        if isinstance(dim, NamedDim) and not dim.treepath:
            out.add(dim.name)
        elif isinstance(dim, VariadicDim) and dim.name:
            out.add("*" + dim.name)


def field_names(info: TypeInfo) -> set[str]:
    out: set[str] = set()
    for base in info.mro:
        if base.fullname.startswith(("builtins.", "equinox.")):
            continue
        for node in base.names.values():
            if isinstance(node.node, Var) and not node.node.is_classvar:
                _names(node.node.type, out)
    return out


def signature_names(func: FuncItem) -> frozenset[str]:
    cached = _cache.get(id(func))
    if cached is not None and cached[0] is func:
        return cached[1]
    out: set[str] = set()
    if isinstance(func.type, CallableType):
        for typ in [*func.type.arg_types, func.type.ret_type]:
            _names(typ, out)
    if func.info and not func.is_static and func.arguments:
        out |= field_names(func.info)
    names = frozenset(out)
    _cache[id(func)] = (func, names)
    return names


def distinct_names(api: TypeChecker) -> frozenset[str]:
    func = api.scope.current_function()
    return frozenset() if func is None else signature_names(func)
