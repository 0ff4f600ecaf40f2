"""`eqx.Module`: a frozen dataclass that is a native JAX pytree.

The metaclass makes each subclass a dataclass, registers it with JAX's C++
dataclass pytree nodes, and installs its `__init__` entry (`_module_init`),
through which both user construction and JAX's rebuilding of a tree go.
"""

import abc
import contextlib
import copy
import dataclasses
import inspect
import types
import weakref
from collections.abc import Callable, Generator
from typing import (
    TYPE_CHECKING,
    Any,
    Final,
    Generic,
    ParamSpec,
    TypeVar,
    cast,
)

import jax.tree_util as jtu
from jaxtyping import Array
from typing_extensions import dataclass_transform

from . import _module_warnings, _runtime_check
from ._abstract import abstract_sets, is_classvar_annotation, split_abstract_annotations
from ._field import CONVERTER_KEY, STATIC_KEY, field
from ._init_bound_method import InitBoundMethod, method_name
from ._module_init import ClassInfo, initialising, is_entry, make_entry
from ._pytree_registration import (
    REBUILD_KEY,
    AttributesToken,
    RebuildToken,
    register_native,
)

_P = ParamSpec("_P")
_R = TypeVar("_R")
_R_co = TypeVar("_R_co", covariant=True)
_M = TypeVar("_M")


class ModuleFrozenError(dataclasses.FrozenInstanceError):
    """Raised when assigning to a Module's field after construction."""


def _is_plain_method(name: str, value: object) -> bool:
    dunder = name.startswith("__") and name.endswith("__")
    return not dunder and inspect.isfunction(value)


def _install_method_descriptors(cls: type, annotations: dict[str, Any]) -> None:
    """Make `instance.method` a pytree: done after `type.__new__`, so that an
    `__init_subclass__` hook sees (and may wrap) the functions as written."""
    for name, value in list(cls.__dict__.items()):
        if name not in annotations and _is_plain_method(name, value):
            type.__setattr__(cls, name, _MethodDescriptor(value))


# Each Module class's dataclass parameters as made (`frozen=True`, which is
# what makes the generated `__init__` store fields directly). The class itself
# reports `frozen=False`, as in Equinox, so that a user's
# `@dataclasses.dataclass` on a subclass is accepted.
_FROZEN_PARAMS: Final[weakref.WeakKeyDictionary[type, Any]] = (
    weakref.WeakKeyDictionary()
)
_PARAMS: Final = "__dataclass_params__"


@contextlib.contextmanager
def _frozen_bases(cls: type) -> Generator[None]:
    """While `cls` is made a frozen dataclass, its Module bases say frozen."""
    bases = [b for b in cls.__mro__[1:] if b in _FROZEN_PARAMS]
    reported = [b.__dict__[_PARAMS] for b in bases]
    for base in bases:
        type.__setattr__(base, _PARAMS, _FROZEN_PARAMS[base])
    try:
        yield
    finally:
        for base, params in zip(bases, reported, strict=True):
            type.__setattr__(base, _PARAMS, params)


def _report_unfrozen(cls: type) -> None:
    frozen = cls.__dict__[_PARAMS]
    _FROZEN_PARAMS[cls] = frozen
    unfrozen = copy.copy(frozen)
    unfrozen.frozen = False
    type.__setattr__(cls, _PARAMS, unfrozen)


def _check_inits(cls: type) -> tuple[Callable[[Any], None], ...]:
    return tuple(
        klass.__dict__["__check_init__"]
        for klass in cls.__mro__
        if "__check_init__" in klass.__dict__
    )


def _inherits_custom_init(bases: tuple[type, ...]) -> bool:
    for base in bases:
        info: ClassInfo | None = getattr(base, "__eqx_info__", None)
        if info is not None and info.custom_init:
            return True
    return False


def _abstract_attributes(
    cls: type,
    own_annotations: dict[str, Any],
    own_vars: set[str],
    own_classvars: set[str],
) -> tuple[frozenset[str], frozenset[str]]:
    fields = {f.name for f in dataclasses.fields(cast(Any, cls))}
    namespace = cls.__dict__

    def provided(name: str) -> bool:
        # `namespace` is read after `__init_subclass__`, which may set it.
        return (
            name in fields
            or name in namespace
            # provided further up the MRO (e.g. by an intermediate base)
            or any(name in vars(k) for k in cls.__mro__[1:])
            or is_classvar_annotation(own_annotations.get(name))
        )

    return abstract_sets(cls.__mro__[1:], own_vars, own_classvars, provided)


def _converter_input(converter: Callable[[Any], Any]) -> Any:
    """The annotation of a converter's first parameter (`Any` if none)."""
    try:
        parameters = list(inspect.signature(converter).parameters.values())
    except (TypeError, ValueError):  # e.g. some builtins have no signature
        return Any
    if not parameters or parameters[0].annotation is inspect.Parameter.empty:
        return Any
    return parameters[0].annotation


def _finish_generated_init(
    cls: type, fields: tuple[dataclasses.Field[Any], ...]
) -> None:
    """The generated `__init__` takes what the converters take, and carries
    the docstring of the `__init__` it replaces (as in Equinox)."""
    init = cls.__dict__["__init__"]
    for f in fields:
        if f.init and CONVERTER_KEY in f.metadata:
            init.__annotations__[f.name] = _converter_input(f.metadata[CONVERTER_KEY])
    replaced: object = super(cast(Any, cls), cls).__init__
    init.__doc__ = replaced.__doc__


def _install_entry(cls: type, info: ClassInfo) -> None:
    """Give `cls` its `__init__` entry (see `_module_init`), unless it
    inherits a custom one's entry, which serves it as it is."""
    own: Callable[..., None] | None = cls.__dict__.get("__init__")
    init: Callable[..., None] = getattr(cls, "__init__") if own is None else own  # noqa: B009  # the inherited one
    if own is None and is_entry(init):
        return
    type.__setattr__(cls, "__init__", make_entry(info, cls.__dict__[REBUILD_KEY], init))


def _is_module_class(annotation: type) -> bool:
    return isinstance(annotation, _ModuleMeta)


def _class_info(
    cls: type, abstract_attributes: frozenset[str], custom_init: bool
) -> ClassInfo:
    fields = dataclasses.fields(cast(Any, cls))
    abstract_methods: frozenset[str] = getattr(cls, "__abstractmethods__", frozenset())
    abstract = sorted(abstract_attributes | abstract_methods)
    return ClassInfo(
        name=cls.__qualname__,
        custom_init=custom_init,
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
        scan_names=()
        if custom_init
        else tuple(
            f.name
            for f in fields
            if _module_warnings.may_hold_transformed(f.type, _is_module_class)
        ),
        abstract=tuple(abstract),
        check_inits=_check_inits(cls),
        field_check=_runtime_check.build_field_checker(cls),
    )


@dataclass_transform(field_specifiers=(dataclasses.field, field))
class _ModuleMeta(abc.ABCMeta):
    """Turns every Module subclass into a dataclass and a native pytree node."""

    __eqx_info__: ClassInfo
    # Abstract attributes still to be provided (empty on a concrete class).
    __abstractvars__: frozenset[str]
    __abstractclassvars__: frozenset[str]

    def __new__(
        mcs,
        name: str,
        bases: tuple[type, ...],
        namespace: dict[str, Any],
        /,
        *,
        typecheck: _runtime_check.LevelSpec | None = None,
        strict: bool = False,
        **kwargs: Any,
    ) -> "_ModuleMeta":
        # `strict=` is accepted as Equinox accepts it (it checks nothing).
        del strict
        annotations, abstract_vars, abstract_classvars = split_abstract_annotations(
            namespace, namespace.get("__qualname__", name)
        )
        custom_init = "__init__" in namespace or _inherits_custom_init(bases)
        # Run-time type checking: annotated methods get checking wrappers
        # (still plain functions) before any `__init_subclass__` sees them.
        _runtime_check.wrap_checked_methods(namespace)
        cls = super().__new__(mcs, name, bases, namespace, **kwargs)
        _install_method_descriptors(cls, annotations)
        if typecheck is not None:
            cls.__eqx_typecheck__ = typecheck  # type: ignore[attr-defined]  # class-level flag read by _runtime_check
        # frozen=True makes the generated `__init__` store fields with
        # `object.__setattr__` (fast, no per-field Python call); the frozen
        # `__setattr__` it adds is then replaced by ours, which also lets a
        # custom `__init__` assign.
        with _frozen_bases(cls):
            dataclasses.dataclass(
                init=not custom_init, repr=False, eq=False, frozen=True
            )(cast(type[Any], cls))
        _report_unfrozen(cls)
        type.__setattr__(cls, "__setattr__", _module_setattr)
        type.__setattr__(cls, "__delattr__", _module_delattr)
        # Abstract annotations are not fields, but stay visible in the class's
        # annotations (as written, in their order).
        if annotations:
            cls.__annotations__.clear()
            cls.__annotations__.update(annotations)
        vars_left, classvars_left = _abstract_attributes(
            cls, annotations, abstract_vars, abstract_classvars
        )
        type.__setattr__(cls, "__abstractvars__", vars_left)
        type.__setattr__(cls, "__abstractclassvars__", classvars_left)
        # Read on flatten (the value of the rebuild pseudo-field); set here
        # rather than in a class body so that static tools never offer it.
        type.__setattr__(cls, REBUILD_KEY, RebuildToken())
        fields = dataclasses.fields(cast(Any, cls))
        if not custom_init:
            _finish_generated_init(cls, fields)
        _module_warnings.check_post_init(cls, custom_init)
        register_native(
            cls,
            [f.name for f in fields if not f.metadata.get(STATIC_KEY)],
            [f.name for f in fields if f.metadata.get(STATIC_KEY)],
        )
        info = _class_info(cls, vars_left | classvars_left, custom_init)
        cls.__eqx_info__ = info
        _install_entry(cls, info)
        return cls

    if not TYPE_CHECKING:

        def __setattr__(cls, name, value):
            info = cls.__dict__.get("__eqx_info__")
            if name == "__init__" and info is not None and not is_entry(value):
                # `__init__` replaced after the class was made (a wrapping
                # decorator such as `jaxtyping.jaxtyped`): it may assign
                # through `self.x = ...`, and JAX's rebuilds must still skip
                # it, so it goes behind an entry of its own.
                info = dataclasses.replace(info, assigns=True)
                type.__setattr__(cls, "__eqx_info__", info)
                value = make_entry(
                    info, cls.__dict__[REBUILD_KEY], value, collecting=True
                )
            type.__setattr__(cls, name, value)

        @property
        def __signature__(cls):
            # What `inspect.signature(Cls)` shows: the signature of the
            # `__init__` the entry wraps (followed through `__wrapped__`, so
            # never the entry's hidden rebuild parameters), without `self`. A property of the
            # metaclass, so instances (whose `__call__` has its own
            # signature) do not see it.
            signature = inspect.signature(cls.__init__)
            parameters = list(signature.parameters.values())[1:]
            return signature.replace(parameters=parameters)


_new_instance: Callable[[type], Any] = object.__new__
_set_attribute: Callable[[object, str, Any], None] = object.__setattr__


def _module_setattr(self: object, name: str, value: object) -> None:
    # Installed as every Module class's `__setattr__` by the metaclass; not
    # declared in the class body, where mypy would take it as permission to
    # assign to any attribute name.
    info: ClassInfo = getattr(type(self), "__eqx_info__")  # noqa: B009  # set by the metaclass
    if id(self) not in initialising:
        if name == "__orig_class__":
            # `Generic` records `M[int]` on the instance `M[int](...)` made.
            _set_attribute(self, name, value)
            return
        raise ModuleFrozenError(
            f"cannot assign to field '{name}' of {info.name}: modules are "
            "immutable after __init__. Use eqx.tree_at(lambda m: "
            f"m.{name}, module, new_value) to get an updated copy."
        )
    if name not in info.field_names:
        raise ModuleFrozenError(
            f"{info.name} has no field '{name}': declare it as an annotated "
            f"class attribute (`{name}: SomeType`) before assigning it in "
            "__init__."
        )
    kind = type(value)
    if kind is types.MethodType or kind is BoundMethod or kind is InitBoundMethod:
        value = _own_method(self, info, name, value)
    elif kind in _module_warnings.FUNCTION_TYPES:
        _module_warnings.check_assigned(info.name, name, value, stacklevel=2)
    _set_attribute(self, name, value)


def _own_method(self: object, info: ClassInfo, name: str, value: Any) -> Any:
    """`self.field = <a bound method>` in `__init__`."""
    if value.__self__ is not self:
        return value
    if type(value) is BoundMethod or type(value) is InitBoundMethod:
        # The field would hold the module itself: a cycle in the pytree.
        raise ValueError(
            f"{info.name}.__init__ assigns its own method to the field '{name}' "
            f"(`self.{name} = self.method`): a module cannot contain itself. "
            "Call the method from another method instead, or store a "
            "function that takes the module as an argument."
        )
    # A plain method of `self` (a dunder such as `__call__`), as Equinox does.
    return _bound_method(value.__func__, self)


def _module_delattr(self: object, name: str) -> None:
    raise ModuleFrozenError(
        f"cannot delete field '{name}' of {type(self).__qualname__}: "
        "modules are immutable."
    )


def with_attributes(module: _M, attributes: dict[str, object]) -> _M:
    """A copy of `module` that also has `attributes` (non-field attributes,
    kept through flattening and unflattening)."""
    leaves, treedef = jtu.tree_flatten(module, is_leaf=lambda x: x is not module)
    copy: _M = jtu.tree_unflatten(treedef, leaves)
    values = copy.__dict__
    previous = values.get(REBUILD_KEY)
    merged = {**previous.attributes, **attributes} if previous else dict(attributes)
    values.update(merged)
    values[REBUILD_KEY] = AttributesToken(type(module), merged)
    return copy


def _bound_method(
    func: Callable[..., Any], instance: object
) -> "BoundMethod[..., Any]":
    # Built directly: a bound method is not user construction.
    bound = _new_instance(BoundMethod)
    values: dict[str, Any] = bound.__dict__
    values["__func__"] = func
    values["__self__"] = instance
    return cast("BoundMethod[..., Any]", bound)


class _MethodDescriptor:
    """Replaces a plain function in a Module's class body.

    `instance.method` gives a `BoundMethod` pytree; `Cls.method` gives the
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
        if initialising and id(instance) in initialising:
            # Half-built: its own pytree node would read missing fields.
            return InitBoundMethod(self.method, instance)
        return _bound_method(self.method, instance)


class Module(metaclass=_ModuleMeta):
    """Base class of every model: a frozen dataclass and a JAX pytree.

    Annotated class attributes are fields. Fields are pytree children unless
    declared with `eqx.field(static=True)`. Instances are immutable once
    construction ends; use `eqx.tree_at` for out-of-place updates.
    """

    def __eq__(self, other: object) -> "bool | Array":  # type: ignore[override]  # traced bool under JIT, like tree_equal
        from ._tree_equal import tree_equal

        return tree_equal(self, other)

    def __hash__(self) -> int:
        # Every field's value, static ones included (as Equinox): a list or
        # dict field makes the module unhashable, like an array does.
        info: ClassInfo = type(self).__eqx_info__
        values = self.__dict__
        try:
            return hash((type(self), *[values[f.name] for f in info.fields]))
        except TypeError as e:
            raise TypeError(
                f"cannot hash {type(self).__qualname__}: one of its fields is "
                f"unhashable ({e}). A module holding JAX/NumPy arrays has no "
                "hash; use eqx.filter_jit (which never hashes arrays) rather "
                "than passing the module where a hashable value is required."
            ) from None

    def __repr__(self) -> str:
        from ._pretty import tree_pformat

        return tree_pformat(self)


class BoundMethod(Module, Generic[_P, _R_co]):
    """A method looked up on a module instance, as a pytree: the instance is a
    child, so `jax.jit(model.method)` traces the model's arrays."""

    __func__: Callable[..., _R_co] = field(static=True)
    __self__: Module

    def __call__(self, *args: _P.args, **kwargs: _P.kwargs) -> _R_co:
        return self.__func__(self.__self__, *args, **kwargs)

    # What a Python bound method forwards from its function.
    @property
    def __wrapped__(self) -> Callable[..., _R_co]:
        return types.MethodType(self.__func__, self.__self__)

    if not TYPE_CHECKING:
        # `__name__`/`__qualname__` of an instance: those of the method, as
        # for a Python bound method. (Type slots, not class attributes, so
        # they are only reachable through `__getattr__`; hidden from static
        # tools, which would otherwise accept any attribute.)
        def __getattr__(self, name):
            return method_name(self, name)

    @property
    def __doc__(self) -> str | None:  # type: ignore[override]  # pyright: ignore[reportIncompatibleVariableOverride]  # the method's docstring
        return self.__func__.__doc__
