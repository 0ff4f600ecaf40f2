"""`eqx.Module`: a frozen dataclass that is a native JAX pytree.

Construction (`Cls(...)` from user code) goes through `_construct`:

    __new__ -> __init__ (assignments allowed) -> converters -> defaults for
    unassigned fields / missing-field error -> static-array warning ->
    field checks (runtime type checking hook) -> every __check_init__

JAX rebuilding a tree (`tree_unflatten`) takes `_rebuild` instead, which only
fills in `__dict__`: no `__init__`, converters or checks.
"""

import abc
import dataclasses
import functools
import inspect
import warnings
from collections.abc import Callable
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Final,
    Generic,
    ParamSpec,
    TypeVar,
    cast,
)

import jax
import jax.tree_util as jtu
import numpy as np
from jaxtyping import Array
from typing_extensions import dataclass_transform

from . import _runtime_check
from ._abstract import abstract_kind, is_classvar_annotation
from ._field import CONVERTER_KEY, STATIC_KEY, field
from ._pytree_registration import REBUILD_KEY, REBUILD_TOKEN, register_native

_P = ParamSpec("_P")
_R = TypeVar("_R")
_R_co = TypeVar("_R_co", covariant=True)

# ids of the instances whose `__init__` is running: only they accept assignment.
_initialising: Final[set[int]] = set()


class ModuleFrozenError(dataclasses.FrozenInstanceError):
    """Raised when assigning to a Module's field after construction."""


@dataclasses.dataclass(frozen=True, slots=True)
class _ClassInfo:
    """What `_construct` needs about a class, computed once when it is defined."""

    name: str
    # Whether `__init__` may assign through `self.x = ...` (a custom
    # `__init__` or a `__post_init__`); the generated one stores directly.
    assigns: bool
    fields: tuple[dataclasses.Field[Any], ...]
    n_fields: int
    field_names: frozenset[str]
    converters: tuple[tuple[str, Callable[[Any], Any]], ...]
    static_names: tuple[str, ...]
    abstract: tuple[str, ...]
    check_inits: tuple[Callable[[Any], None], ...]
    field_check: Callable[[Any], None] | None


def _is_plain_method(name: str, value: object) -> bool:
    dunder = name.startswith("__") and name.endswith("__")
    return not dunder and inspect.isfunction(value)


def _split_abstract_annotations(
    namespace: dict[str, Any],
) -> tuple[set[str], set[str]]:
    """Remove AbstractVar/AbstractClassVar annotations; return their names."""
    annotations: dict[str, Any] = namespace.get("__annotations__", {})
    abstract_vars: set[str] = set()
    abstract_classvars: set[str] = set()
    for name, annotation in list(annotations.items()):
        kind = abstract_kind(annotation)
        if kind is None:
            continue
        if name in namespace:
            raise TypeError(
                f"{namespace.get('__qualname__', '?')}.{name} is annotated as {kind}"
                " but also given a value; an abstract attribute has no value."
            )
        del annotations[name]
        (abstract_vars if kind == "AbstractVar" else abstract_classvars).add(name)
    return abstract_vars, abstract_classvars


def _outstanding_abstract(
    cls: type, namespace: dict[str, Any], new_vars: set[str], new_classvars: set[str]
) -> tuple[frozenset[str], frozenset[str]]:
    """Abstract attributes still unprovided after this class body."""
    inherited_vars: set[str] = set()
    inherited_classvars: set[str] = set()
    nothing: frozenset[str] = frozenset()
    for base in cls.__mro__[1:]:
        inherited_vars |= getattr(base, "__eqx_abstract_vars__", nothing)
        inherited_classvars |= getattr(base, "__eqx_abstract_classvars__", nothing)
    annotations: dict[str, Any] = namespace.get("__annotations__", {})
    fields = {f.name for f in dataclasses.fields(cast(Any, cls))}
    provided_vars = {
        name for name in inherited_vars if name in fields or name in namespace
    }
    provided_classvars = {
        name
        for name in inherited_classvars
        if name in namespace
        and (name not in annotations or is_classvar_annotation(annotations[name]))
    }
    return (
        frozenset((inherited_vars - provided_vars) | new_vars),
        frozenset((inherited_classvars - provided_classvars) | new_classvars),
    )


def _check_inits(cls: type) -> tuple[Callable[[Any], None], ...]:
    return tuple(
        klass.__dict__["__check_init__"]
        for klass in cls.__mro__
        if "__check_init__" in klass.__dict__
    )


def _inherits_custom_init(bases: tuple[type, ...]) -> bool:
    return any(getattr(base, "__eqx_custom_init__", False) for base in bases)


def _class_info(
    cls: type, abstract_attributes: frozenset[str], custom_init: bool
) -> _ClassInfo:
    fields = dataclasses.fields(cast(Any, cls))
    abstract_methods: frozenset[str] = getattr(cls, "__abstractmethods__", frozenset())
    abstract = sorted(abstract_attributes | abstract_methods)
    return _ClassInfo(
        name=cls.__qualname__,
        assigns=custom_init or hasattr(cls, "__post_init__"),
        fields=fields,
        n_fields=len(fields),
        field_names=frozenset(f.name for f in fields),
        converters=tuple(
            (f.name, f.metadata[CONVERTER_KEY])
            for f in fields
            if CONVERTER_KEY in f.metadata
        ),
        static_names=tuple(f.name for f in fields if f.metadata.get(STATIC_KEY)),
        abstract=tuple(abstract),
        check_inits=_check_inits(cls),
        field_check=_runtime_check.build_field_checker(cls),
    )


@dataclass_transform(field_specifiers=(dataclasses.field, field))
class _ModuleMeta(abc.ABCMeta):
    """Turns every Module subclass into a dataclass and a native pytree node."""

    __eqx_info__: _ClassInfo

    def __new__(
        mcs,
        name: str,
        bases: tuple[type, ...],
        namespace: dict[str, Any],
        /,
        *,
        typecheck: bool | None = None,
        **kwargs: Any,
    ) -> "_ModuleMeta":
        abstract_vars, abstract_classvars = _split_abstract_annotations(namespace)
        custom_init = "__init__" in namespace or _inherits_custom_init(bases)
        # Run-time type checking: annotated methods get checking wrappers
        # (still plain functions) before they become method descriptors.
        _runtime_check.wrap_checked_methods(namespace)
        for attr, value in list(namespace.items()):
            if _is_plain_method(attr, value):
                namespace[attr] = _MethodDescriptor(value)
        cls = super().__new__(mcs, name, bases, namespace, **kwargs)
        if typecheck is not None:
            cls.__eqx_typecheck__ = typecheck  # type: ignore[attr-defined]  # class-level flag read by _runtime_check
        cls.__eqx_custom_init__ = custom_init  # type: ignore[attr-defined]  # read by subclasses
        # frozen=True makes the generated `__init__` store fields with
        # `object.__setattr__` (fast, no per-field Python call); the frozen
        # `__setattr__` it adds is then replaced by ours, which also lets a
        # custom `__init__` assign.
        dataclasses.dataclass(init=not custom_init, repr=False, eq=False, frozen=True)(
            cast(type[Any], cls)
        )
        type.__setattr__(cls, "__setattr__", _module_setattr)
        type.__setattr__(cls, "__delattr__", _module_delattr)
        vars_left, classvars_left = _outstanding_abstract(
            cls, namespace, abstract_vars, abstract_classvars
        )
        cls.__eqx_abstract_vars__ = vars_left  # type: ignore[attr-defined]  # read by subclasses
        cls.__eqx_abstract_classvars__ = classvars_left  # type: ignore[attr-defined]  # read by subclasses
        fields = dataclasses.fields(cast(Any, cls))
        register_native(
            cls,
            [f.name for f in fields if not f.metadata.get(STATIC_KEY)],
            [f.name for f in fields if f.metadata.get(STATIC_KEY)],
        )
        cls.__eqx_info__ = _class_info(cls, vars_left | classvars_left, custom_init)
        return cls

    if not TYPE_CHECKING:
        # Hidden from static tools so that they keep using the dataclass
        # signature of `__init__` for `Cls(...)`.
        # The keyword-only parameter is named after REBUILD_KEY: binding it
        # is cheaper than popping it from `kwargs` (this is the unflatten
        # hot path).
        def __call__(cls, /, *args, _eqx_rebuild_token=None, **kwargs):
            if _eqx_rebuild_token is REBUILD_TOKEN:
                # JAX rebuilding a tree: `kwargs` is a fresh dict holding
                # exactly the fields, so it can become the instance's dict.
                obj = _new_instance(cls)
                _set_attribute(obj, "__dict__", kwargs)
                return obj
            if _eqx_rebuild_token is not None:
                kwargs[REBUILD_KEY] = _eqx_rebuild_token
            return _construct(cls, args, kwargs)


_new_instance: Callable[[type], Any] = object.__new__
_set_attribute: Callable[[object, str, Any], None] = object.__setattr__


def _fill_unassigned(obj: object, info: _ClassInfo) -> None:
    values = obj.__dict__
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


def _module_setattr(self: object, name: str, value: object) -> None:
    # Installed as every Module class's `__setattr__` by the metaclass; not
    # declared in the class body, where mypy would take it as permission to
    # assign to any attribute name.
    info: _ClassInfo = getattr(type(self), "__eqx_info__")  # noqa: B009  # set by the metaclass
    if id(self) not in _initialising:
        raise ModuleFrozenError(
            f"cannot assign to field '{name}' of {info.name}: modules are "
            "immutable after __init__. Use eqx.tree_at(lambda m: "
            f"m.{name}, module, new_value) to get an updated copy."
        )
    if name not in info.field_names:
        raise AttributeError(
            f"{info.name} has no field '{name}': declare it as an annotated "
            f"class attribute (`{name}: SomeType`) before assigning it in "
            "__init__."
        )
    _set_attribute(self, name, value)


def _module_delattr(self: object, name: str) -> None:
    raise ModuleFrozenError(
        f"cannot delete field '{name}' of {type(self).__qualname__}: "
        "modules are immutable."
    )


def _warn_static_arrays(obj: object, info: _ClassInfo) -> None:
    for name in info.static_names:
        if isinstance(obj.__dict__[name], jax.Array | np.ndarray):
            warnings.warn(
                f"{info.name}.{name} is marked static but holds an array: it is "
                "kept in the treedef, never traced, and compared by identity "
                "on every JIT call. Make it an ordinary field instead.",
                UserWarning,
                stacklevel=4,
            )


def _construct(cls: _ModuleMeta, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    info = cls.__eqx_info__
    if info.abstract:
        raise TypeError(
            f"Can't instantiate abstract module {info.name}: it does not provide "
            + ", ".join(info.abstract)
            + "."
        )
    obj = _new_instance(cls)
    if info.assigns:
        key = id(obj)
        _initialising.add(key)
        try:
            obj.__init__(*args, **kwargs)
        finally:
            _initialising.discard(key)
    else:
        # Looked up per call, not cached: a decorator may wrap `__init__`
        # after the class is made (e.g. `jaxtyping.jaxtyped`).
        obj.__init__(*args, **kwargs)
    values: dict[str, Any] = obj.__dict__
    if len(values) < info.n_fields:
        _fill_unassigned(obj, info)
    for name, converter in info.converters:
        values[name] = converter(values[name])
    if info.static_names:
        _warn_static_arrays(obj, info)
    if info.field_check is not None:
        info.field_check(obj)
    for check_init in info.check_inits:
        check_init(obj)
    return obj


class _MethodDescriptor:
    """Replaces a plain function in a Module's class body.

    `instance.method` gives a `_BoundMethod` pytree; `Cls.method` gives the
    function itself.
    """

    def __init__(self, method: Callable[..., Any]) -> None:
        self.method = method
        # What `functools.update_wrapper` would copy, for `help()` and docs.
        self.__wrapped__ = method
        self.__doc__ = method.__doc__
        self.__name__: str = getattr(method, "__name__", "method")
        self.__qualname__: str = getattr(method, "__qualname__", self.__name__)
        self.__module__ = method.__module__
        # Let abc see `@abstractmethod` through the wrapper.
        self.__isabstractmethod__: bool = getattr(method, "__isabstractmethod__", False)

    def __set_name__(self, owner: type, name: str) -> None:
        set_name = getattr(self.method, "__set_name__", None)
        if set_name is not None:
            set_name(owner, name)

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        if instance is None:
            return self.method
        # Build the pytree directly: a bound method is not user construction.
        bound = _new_instance(_BoundMethod)
        bound.__dict__["__func__"] = self.method
        bound.__dict__["__self__"] = instance
        return bound


class Module(metaclass=_ModuleMeta):
    """Base class of every model: a frozen dataclass and a JAX pytree.

    Annotated class attributes are fields. Fields are pytree children unless
    declared with `eqx.field(static=True)`. Instances are immutable once
    construction ends; use `eqx.tree_at` for out-of-place updates.
    """

    # Read on flatten (it is the value of the rebuild pseudo-field).
    _eqx_rebuild_token: ClassVar[object] = REBUILD_TOKEN

    def __eq__(self, other: object) -> "bool | Array":  # type: ignore[override]  # traced bool under JIT, like tree_equal
        from ._tree_equal import tree_equal

        return tree_equal(self, other)

    def __hash__(self) -> int:
        try:
            return hash((type(self), *jtu.tree_leaves(self)))
        except TypeError as e:
            raise TypeError(
                f"cannot hash {type(self).__qualname__}: one of its leaves is "
                f"unhashable ({e}). A module holding JAX/NumPy arrays has no "
                "hash; use eqx.filter_jit (which never hashes arrays) rather "
                "than passing the module where a hashable value is required."
            ) from None

    def __repr__(self) -> str:
        from ._pretty import tree_pformat

        return tree_pformat(self)


class _BoundMethod(Module, Generic[_P, _R_co]):
    """A method looked up on a module instance, as a pytree: the instance is a
    child, so `jax.jit(model.method)` traces the model's arrays."""

    __func__: Callable[..., _R_co] = field(static=True)
    __self__: Module

    def __call__(self, *args: _P.args, **kwargs: _P.kwargs) -> _R_co:
        return self.__func__(self.__self__, *args, **kwargs)

    @property
    def __wrapped__(self) -> Callable[..., _R_co]:
        return functools.partial(self.__func__, self.__self__)
