"""The `__init__` every Module class gets: construction and JAX's rebuild.

JAX rebuilds a Module (`tree_unflatten`) by calling `Cls(**fields,
__eqx_rebuild__=token)`, which `type.__call__` (in C) turns into
`Cls.__init__(obj, **fields, __eqx_rebuild__=token)`. That call is the
hot path of every jitted step's output, so the metaclass defines no
`__call__` (a Python frame per node) and each class gets a generated
`__init__` (its *entry*) that takes every field by name and, given the
token, only stores them: no user `__init__`, converters or checks run.

Without the token the entry constructs:

    __init__ (the dataclass one, or the user's; assignments allowed) ->
    defaults for unassigned fields / missing-field error -> transformed-
    callable warning -> converters -> static-array warning -> field checks
    (runtime type checking) -> every `__check_init__`

A class whose construction is just "store the parameters, then check" (the
generated dataclass `__init__` without `__post_init__`, `InitVar`,
`init=False` or keyword-only fields) gets an entry with the dataclass's own
parameters, which does it all in one frame. Any other class gets an entry
that collects the arguments and calls `construct`.

An entry called while its instance is already being constructed (a
subclass's `__init__` calling `super().__init__(...)`) only runs that
`__init__`: the stages belong to the outermost construction.
"""

import dataclasses
import functools
import inspect
import weakref
from collections.abc import Callable
from typing import Any, Final

from . import _module_warnings
from ._pytree_registration import REBUILD_KEY, AttributesToken

# ids of the instances whose construction is running: only they accept
# assignment (see `_module._module_setattr`).
initialising: Final[set[int]] = set()


@dataclasses.dataclass(frozen=True, slots=True)
class ClassInfo:
    """What construction needs about a class, computed once when it is defined."""

    name: str
    # A user-written `__init__` (own or inherited) rather than the generated one.
    custom_init: bool
    # Whether `__init__` may assign through `self.x = ...` (a custom
    # `__init__` or a `__post_init__`); the generated one stores directly.
    assigns: bool
    fields: tuple[dataclasses.Field[Any], ...]
    n_fields: int
    field_names: frozenset[str]
    converters: tuple[tuple[str, Callable[[Any], Any]], ...]
    static_names: tuple[str, ...]
    # Fields a generated `__init__` fills whose annotation admits a
    # JAX-transformed callable (see _module_warnings); empty for a custom
    # `__init__`, whose assignments are checked one by one.
    scan_names: tuple[str, ...]
    abstract: tuple[str, ...]
    check_inits: tuple[Callable[[Any], None], ...]
    field_check: Callable[[Any], None] | None


def abstract_error(info: ClassInfo) -> TypeError:
    return TypeError(
        f"Can't instantiate abstract module {info.name}: it does not provide "
        + ", ".join(info.abstract)
        + "."
    )


def _fill_unassigned(values: dict[str, Any], info: ClassInfo) -> None:
    for f in info.fields:
        if f.name in values:
            continue
        if f.default is not dataclasses.MISSING:
            values[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            values[f.name] = f.default_factory()
        else:
            raise TypeError(
                f"{info.name}.__init__ did not assign the field '{f.name}'; "
                f"every field without a default must be set in __init__."
            )


def finish(obj: object, info: ClassInfo, stacklevel: int) -> None:
    """Every stage after `__init__`; warnings point `stacklevel` frames up
    from the caller of this function (at the user's `Cls(...)`)."""
    values = obj.__dict__
    if len(values) < info.n_fields:
        _fill_unassigned(values, info)
    if info.scan_names:
        # Stored without `__setattr__`: look at what was stored.
        _module_warnings.check_fields(
            info.name, values, info.scan_names, stacklevel + 1
        )
    for name, converter in info.converters:
        values[name] = converter(values[name])
    if info.static_names:
        _module_warnings.check_static(
            info.name, values, info.static_names, stacklevel + 1
        )
    if info.field_check is not None:
        info.field_check(obj)
    for check_init in info.check_inits:
        check_init(obj)


def construct(
    obj: object,
    init: Callable[..., None],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> None:
    """User construction through `init` (the user's `__init__`, or the
    dataclass one of a class the one-frame entry does not cover)."""
    key = id(obj)
    if key in initialising:
        init(obj, *args, **kwargs)
        return
    info: ClassInfo = getattr(type(obj), "__eqx_info__")  # noqa: B009  # set by the metaclass
    if info.abstract:
        raise abstract_error(info)
    initialising.add(key)
    try:
        init(obj, *args, **kwargs)
    finally:
        initialising.discard(key)
    # Called from the entry, itself called from the user's `Cls(...)`.
    finish(obj, info, stacklevel=3)


def _rebuild_with_attributes(values: dict[str, Any], token: object) -> None:
    """The rebuild of an instance carrying extra (non-field) attributes."""
    if type(token) is AttributesToken:
        values.update(token.attributes)
        values[REBUILD_KEY] = token


class _Unset:
    """Stands for "not passed" in an entry's parameters."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<unset>"


_UNSET: Final = _Unset()

# Every entry made: an `__init__` assigned to a class later is wrapped in a
# new entry unless it is one of these.
_entries: Final["weakref.WeakSet[Callable[..., None]]"] = weakref.WeakSet()


def is_entry(init: object) -> bool:
    return init in _entries


# Names the generated code uses: dunder-prefixed, so that no field name can
# shadow them (a field may well be called `id` or `type`).
_SELF: Final = "__eqx_self"
_VALUES: Final = "__eqx_values"
_TOKEN: Final = "__eqx_token"


def _store_fields(names: list[str]) -> list[str]:
    lines = [f"    {_VALUES} = {_SELF}.__dict__"]
    lines += [f"    {_VALUES}[{name!r}] = {name}" for name in names]
    return lines


def _rebuild_lines(indent: str) -> list[str]:
    return [
        f"{indent}if {REBUILD_KEY} is not {_TOKEN}:",
        f"{indent}    __eqx_rebuild_with_attributes({_VALUES}, {REBUILD_KEY})",
        f"{indent}return",
    ]


def _compile(
    source: list[str], namespace: dict[str, Any], like: Callable[..., Any]
) -> Callable[..., None]:
    code = "\n".join(source)
    # Generated from field names only (identifiers, checked by dataclasses).
    exec(compile(code, f"<equinox __init__ of {like.__qualname__}>", "exec"), namespace)
    entry: Callable[..., None] = namespace["__init__"]
    functools.update_wrapper(entry, like)
    _entries.add(entry)
    return entry


def _one_frame_fields(info: ClassInfo, init: Callable[..., None]) -> bool:
    """Whether the dataclass `__init__` only stores its parameters, which
    are exactly the fields (no `InitVar`), positional or keyword."""
    names = [f.name for f in info.fields]
    parameters = list(inspect.signature(init).parameters)[1:]
    return (
        not info.assigns
        and parameters == names
        and all(f.init and not f.kw_only for f in info.fields)
    )


def _one_frame_entry(
    info: ClassInfo, token: object, like: Callable[..., Any]
) -> Callable[..., None]:
    namespace: dict[str, Any] = {
        _TOKEN: token,
        "__eqx_unset": _UNSET,
        "__eqx_initialising": initialising,
        "__eqx_id": id,
        "__eqx_info": info,
        "__eqx_finish": finish,
        "__eqx_check": info.field_check,
        "__eqx_abstract_error": abstract_error,
        "__eqx_rebuild_with_attributes": _rebuild_with_attributes,
    }
    params: list[str] = []
    factories: list[str] = []
    for i, f in enumerate(info.fields):
        if f.default is not dataclasses.MISSING:
            namespace[f"__eqx_default_{i}"] = f.default
            params.append(f"{f.name}=__eqx_default_{i}")
        elif f.default_factory is not dataclasses.MISSING:
            namespace[f"__eqx_factory_{i}"] = f.default_factory
            params.append(f"{f.name}=__eqx_unset")
            factories += [
                f"    if {f.name} is __eqx_unset:",
                f"        {_VALUES}[{f.name!r}] = __eqx_factory_{i}()",
            ]
        else:
            params.append(f.name)
    signature = ", ".join([_SELF, *params, "*", f"{REBUILD_KEY}=None"])
    source = [f"def __init__({signature}):"]
    source += _store_fields([f.name for f in info.fields])
    source += [f"    if {REBUILD_KEY} is not None:", *_rebuild_lines("        ")]
    source += factories
    source += [
        f"    if __eqx_initialising and __eqx_id({_SELF}) in __eqx_initialising:",
        "        return",
    ]
    if info.abstract:
        source.append("    raise __eqx_abstract_error(__eqx_info)")
    elif info.scan_names or info.converters or info.static_names or info.check_inits:
        source.append(f"    __eqx_finish({_SELF}, __eqx_info, 2)")
    elif info.field_check is not None:
        source.append(f"    __eqx_check({_SELF})")
    return _compile(source, namespace, like)


def _collecting_entry(
    info: ClassInfo, token: object, init: Callable[..., None], like: Callable[..., Any]
) -> Callable[..., None]:
    """An entry that calls `construct` with `init`. Subclasses that inherit
    a custom `__init__` share it: their extra fields, if any, come to a
    rebuild in `**kwargs`."""
    names = [f.name for f in info.fields]
    namespace: dict[str, Any] = {
        _TOKEN: token,
        "__eqx_unset": _UNSET,
        "__eqx_construct": construct,
        "__eqx_init": init,
        "__eqx_rebuild_with_attributes": _rebuild_with_attributes,
    }
    fields = [f"{name}=__eqx_unset" for name in names]
    signature = ", ".join(
        [_SELF, "/", "*__eqx_args", *fields, f"{REBUILD_KEY}=None", "**__eqx_kwargs"]
    )
    source = [f"def __init__({signature}):"]
    source.append(f"    if {REBUILD_KEY} is not None:")
    source += ["    " + line for line in _store_fields(names)]
    source += [
        "        if __eqx_kwargs:",
        f"            {_VALUES}.update(__eqx_kwargs)",
    ]
    source += _rebuild_lines("        ")
    for name in names:
        source += [
            f"    if {name} is not __eqx_unset:",
            f"        __eqx_kwargs[{name!r}] = {name}",
        ]
    source.append(f"    __eqx_construct({_SELF}, __eqx_init, __eqx_args, __eqx_kwargs)")
    return _compile(source, namespace, like)


def make_entry(
    info: ClassInfo,
    token: object,
    init: Callable[..., None],
    *,
    collecting: bool = False,
) -> Callable[..., None]:
    """The `__init__` to install on a class.

    `init` is what construction runs: the dataclass-generated `__init__` or
    a user's own `__init__`; it also gives the entry its name, docstring,
    annotations and signature (`__wrapped__`, which `inspect.signature`
    follows). `collecting` asks for the general entry whatever `init` is
    (one assigned after the class was made, such as a decorated
    `__init__`)."""
    if not collecting and not info.custom_init and _one_frame_fields(info, init):
        return _one_frame_entry(info, token, init)
    return _collecting_entry(info, token, init, init)
