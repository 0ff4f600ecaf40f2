"""`eqx.Module` and its fields behave as in Equinox 0.13.8.

Every expected value here was measured on equinox==0.13.8 (same JAX) as a
black box and is written down as data. Where we deliberately differ, the
exception class still matches; see docs/differences.md, "## Module".
"""

import dataclasses
import functools
import inspect
import pickle
import warnings
from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar, cast

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import equinox as eqx
from equinox import AbstractClassVar, AbstractVar

_T = TypeVar("_T")


class Point(eqx.Module):
    x: int
    y: float = 2.0


class Custom(eqx.Module):
    total: int

    def __init__(self, a: int, b: int = 3) -> None:
        """Custom init doc."""
        self.total = a + b


class CustomChild(Custom):
    pass


class PointChild(Point):
    z: int = 0


def _warnings_of(make: Callable[[], object]) -> set[type[Warning]]:
    """The warning classes `make()` emits (Equinox sometimes emits the same
    warning twice, once per stack level; we emit it once)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        make()
    return {w.category for w in caught}


# --- signatures, fields, dir, repr, pickling --------------------------------


def test_signature_of_a_generated_init() -> None:
    assert str(inspect.signature(Point)) == "(x: int, y: float = 2.0) -> None"
    assert (
        str(inspect.signature(Point.__init__))
        == "(self, x: int, y: float = 2.0) -> None"
    )
    assert str(inspect.signature(PointChild)) == (
        "(x: int, y: float = 2.0, z: int = 0) -> None"
    )


def test_signature_of_a_custom_init() -> None:
    assert str(inspect.signature(Custom)) == "(a: int, b: int = 3) -> None"
    assert str(inspect.signature(CustomChild)) == "(a: int, b: int = 3) -> None"


def test_signature_of_a_generic_module() -> None:
    class Box(eqx.Module, Generic[_T]):
        item: _T

    assert str(inspect.signature(Box)) == "(item: ~_T) -> None"
    assert str(inspect.signature(Box[int])) == "(*args, **kwargs)"


def test_class_docstring_made_from_the_signature() -> None:
    # The dataclass default docstring, built from the real signature.
    assert Point.__doc__ == "Point(x: int, y: float = 2.0)"


def test_instance_signature_is_its_call() -> None:
    class Affine(eqx.Module):
        a: float

        def __call__(self, x: float, *, shift: float = 0.0) -> float:
            return self.a * x + shift

    assert str(inspect.signature(Affine(2.0))) == (
        "(x: float, *, shift: float = 0.0) -> float"
    )


def test_no_private_rebuild_name_is_visible() -> None:
    point = Point(1)
    assert [f.name for f in dataclasses.fields(point)] == ["x", "y"]
    assert [f.name for f in dataclasses.fields(Point)] == ["x", "y"]
    # Non-dunder names offered on an instance: the fields, and abc's cache.
    assert sorted(n for n in dir(point) if not n.startswith("__")) == [
        "_abc_impl",
        "x",
        "y",
    ]
    assert point.__dict__ == {"x": 1, "y": 2.0}
    assert repr(point) == "Point(x=1)"  # fields at their default are omitted
    for text in (str(inspect.signature(Point)), repr(point), str(Point.__doc__)):
        assert "rebuild" not in text


def test_pickle_round_trip() -> None:
    point = Point(1, 3.0)
    restored = pickle.loads(pickle.dumps(point))
    assert type(restored) is Point
    assert restored == point
    assert restored.__dict__ == {"x": 1, "y": 3.0}


def test_abstract_attribute_sets_on_every_class() -> None:
    assert eqx.Module.__abstractvars__ == frozenset()
    assert eqx.Module.__abstractclassvars__ == frozenset()
    assert type(Point.__abstractvars__) is frozenset


# --- __init__ docstrings -------------------------------------------------------


def test_generated_init_docstring() -> None:
    object_init_doc = "Initialize self.  See help(type(self)) for accurate signature."
    assert Point.__init__.__doc__ == object_init_doc
    assert PointChild.__init__.__doc__ == object_init_doc


def test_custom_init_docstring_inherited() -> None:
    assert CustomChild.__init__.__doc__ == "Custom init doc."
    assert CustomChild.__init__ is Custom.__init__

    class WithField(Custom):
        extra: int = 0

    assert WithField.__init__ is Custom.__init__

    class Undocumented(eqx.Module):
        def __init__(self) -> None:
            pass

    assert Undocumented.__init__.__doc__ is None


# --- __init_subclass__ ---------------------------------------------------------


class Hooked(eqx.Module):
    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        seen[cls.__name__] = {
            name: type(value).__name__
            for name, value in cls.__dict__.items()
            if not name.startswith("__") or name == "__call__"
        }
        if "__call__" in cls.__dict__:
            original = cls.__dict__["__call__"]

            @functools.wraps(original)
            def wrapped(self: Any, *args: Any, **kw: Any) -> Any:
                return ("wrapped", original(self, *args, **kw))

            setattr(cls, "__call__", wrapped)  # noqa: B010  # what such hooks do
        if "method" in cls.__dict__:
            plain = cls.__dict__["method"]

            @functools.wraps(plain)
            def doubled(self: Any) -> Any:
                return 2 * plain(self)

            setattr(cls, "method", doubled)  # noqa: B010  # what such hooks do


seen: dict[str, dict[str, str]] = {}


class HookedChild(Hooked):
    w: int = 1

    def __call__(self, x: int) -> int:
        return x + self.w

    def method(self) -> int:
        return 1

    @property
    def prop(self) -> int:
        return 2

    @staticmethod
    def static() -> int:
        return 3

    @classmethod
    def klass(cls) -> int:
        return 4


def test_init_subclass_sees_functions_as_written() -> None:
    assert seen["HookedChild"] == {
        "w": "int",
        "__call__": "function",
        "method": "function",
        "prop": "property",
        "static": "staticmethod",
        "klass": "classmethod",
    }


def test_init_subclass_wrapping_call_keeps_working() -> None:
    child = HookedChild()
    assert child(1) == ("wrapped", 2)  # type: ignore[comparison-overlap]  # the hook changed the return type
    assert child.method() == 2
    # A method the hook replaced is still a pytree bound method.
    assert jax.tree_util.tree_leaves(child.method) == [1]
    assert (child.prop, child.static(), child.klass()) == (2, 3, 4)


def test_init_subclass_keyword_arguments() -> None:
    class Base(eqx.Module):
        tag: ClassVar[str]

        def __init_subclass__(cls, tag: str = "none", **kwargs: Any) -> None:
            super().__init_subclass__(**kwargs)
            cls.tag = tag

    class Tagged(Base, tag="t"):
        pass

    assert Tagged.tag == "t"
    assert Tagged().tag == "t"


def test_strict_keyword_accepted_and_checks_nothing() -> None:
    # Equinox 0.13.8 accepts `strict=` (True or False) and enforces nothing.
    class A(eqx.Module, strict=True):
        x: int

        def f(self) -> int:
            return 1

    class B(A, strict=True):
        y: int

        def f(self) -> int:
            return 2

    class C(eqx.Module, strict=False):
        x: int

    assert B(1, 2).f() == 2
    assert C(1).x == 1


def test_unknown_class_keyword_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        type("Bogus", (eqx.Module,), {}, bogus=1)


# --- AbstractVar / AbstractClassVar ----------------------------------------------


class AbstractThing(eqx.Module):
    a: AbstractVar[int]
    b: AbstractClassVar[str]
    c: int


def test_abstract_sets_and_annotations() -> None:
    assert AbstractThing.__abstractvars__ == frozenset({"a"})
    assert AbstractThing.__abstractclassvars__ == frozenset({"b"})
    assert AbstractThing.__abstractmethods__ == frozenset()
    assert [f.name for f in dataclasses.fields(AbstractThing)] == ["c"]
    assert list(AbstractThing.__annotations__) == ["a", "b", "c"]
    assert repr(AbstractThing.__annotations__["a"]).endswith("AbstractVar[int]")
    with pytest.raises(TypeError):
        AbstractThing(c=1)  # type: ignore[eqx-abstract]  # the point of the test


def test_abstract_provided_by_fields_and_classvars() -> None:
    class Concrete(AbstractThing):
        a: int
        b: ClassVar[str] = "x"

    assert (Concrete.__abstractvars__, Concrete.__abstractclassvars__) == (
        frozenset(),
        frozenset(),
    )
    assert [f.name for f in dataclasses.fields(Concrete)] == ["c", "a"]
    assert str(inspect.signature(Concrete)) == "(c: int, a: int) -> None"
    assert Concrete(1, 2).a == 2


def test_abstract_class_var_provided_by_an_instance_field() -> None:
    class ByField(AbstractThing):
        a: int
        b: str  # type: ignore[misc]  # an instance field provides the class attribute here

    assert ByField.__abstractclassvars__ == frozenset()
    assert [f.name for f in dataclasses.fields(ByField)] == ["c", "a", "b"]
    assert ByField(1, 2, "s").b == "s"


def test_abstract_class_var_set_in_init_subclass() -> None:
    class Named(eqx.Module):
        label: AbstractClassVar[str]

        def __init_subclass__(cls, **kwargs: Any) -> None:
            super().__init_subclass__(**kwargs)
            cls.label = cls.__name__

    class Leaf(Named):
        pass

    assert Leaf.__abstractclassvars__ == frozenset()
    assert Leaf().label == "Leaf"  # type: ignore[eqx-abstract]  # set at run time by the hook


def test_abstract_redeclarations() -> None:
    class StillVar(AbstractThing):
        a: AbstractVar[int]

    assert (StillVar.__abstractvars__, StillVar.__abstractclassvars__) == (
        frozenset({"a"}),
        frozenset({"b"}),
    )

    class ToClassVar(AbstractThing):
        a: AbstractClassVar[int]  # type: ignore[misc]  # redeclared with the other kind

    assert (ToClassVar.__abstractvars__, ToClassVar.__abstractclassvars__) == (
        frozenset(),
        frozenset({"a", "b"}),
    )

    class ClassVarKeepsKind(AbstractThing):
        b: AbstractVar[str]  # type: ignore[misc]  # redeclared with the other kind

    assert ClassVarKeepsKind.__abstractvars__ == frozenset({"a"})
    assert ClassVarKeepsKind.__abstractclassvars__ == frozenset({"b"})


def test_abstract_provided_by_property_or_plain_class_attribute() -> None:
    class ByProperty(AbstractThing):
        b: ClassVar[str] = "x"

        @property
        def a(self) -> int:
            return 3

    assert ByProperty.__abstractvars__ == frozenset()
    assert ByProperty(1).a == 3

    by_value: Any = type("ByValue", (AbstractThing,), {"a": 1, "b": "x"})
    assert by_value.__abstractvars__ == frozenset()
    assert by_value.__abstractclassvars__ == frozenset()


def test_abstract_with_a_value_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        type(
            "WithValue",
            (eqx.Module,),
            {"__annotations__": {"a": AbstractVar[int]}, "a": 3},
        )
    with pytest.raises(TypeError):
        type(
            "WithClassValue",
            (eqx.Module,),
            {"__annotations__": {"a": AbstractClassVar[int]}, "a": 3},
        )


def test_unsubscripted_abstract_is_a_type_error() -> None:
    bare: Any = AbstractVar
    with pytest.raises(TypeError):
        type("Bare", (eqx.Module,), {"__annotations__": {"a": bare}})
    with pytest.raises(TypeError):
        type("BareClass", (eqx.Module,), {"__annotations__": {"a": AbstractClassVar}})


def test_abstract_method_instantiation_is_a_type_error() -> None:
    import abc

    class WithAbstractMethod(eqx.Module):
        @abc.abstractmethod
        def f(self) -> int: ...

    assert WithAbstractMethod.__abstractmethods__ == frozenset({"f"})
    with pytest.raises(TypeError):
        WithAbstractMethod()  # type: ignore[abstract]  # the point of the test


# --- generic modules -----------------------------------------------------------


class Box(eqx.Module, Generic[_T]):
    item: _T


def test_orig_class_on_instances_of_generic_modules() -> None:
    box = Box[int](1)
    assert getattr(box, "__orig_class__") == Box[int]  # noqa: B009  # set by typing
    assert "__orig_class__" in box.__dict__
    assert not hasattr(Box(1), "__orig_class__")
    assert jax.tree_util.tree_leaves(box) == [1]
    assert repr(box) == "Box(item=1)"
    # Pickling keeps it; rebuilding from leaves does not.
    restored = pickle.loads(pickle.dumps(box))
    assert getattr(restored, "__orig_class__") == Box[int]  # noqa: B009  # set by typing
    rebuilt = jax.tree_util.tree_map(lambda leaf: leaf, box)
    assert not hasattr(rebuilt, "__orig_class__")


def test_generic_module_stays_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Box[int](1).item = 2  # type: ignore[eqx-frozen]  # frozen, the point of the test


# --- misuse: exception types ---------------------------------------------------


def test_frozen_assignment_errors() -> None:
    point = Point(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.x = 2  # type: ignore[eqx-frozen]  # frozen, the point of the test
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(point, "new", 2)  # noqa: B010  # an undeclared attribute


def test_assigning_an_undeclared_attribute_in_init() -> None:
    class Undeclared(eqx.Module):
        x: int

        def __init__(self) -> None:
            self.x = 1
            setattr(self, "z", 2)  # noqa: B010  # hidden from the mypy plugin

    with pytest.raises(dataclasses.FrozenInstanceError):
        Undeclared()


def test_construction_errors_are_type_errors() -> None:
    calls: list[Callable[[], object]] = [
        lambda: Point(),  # type: ignore[call-arg]  # missing field
        lambda: Point(1, z=3),  # type: ignore[call-arg]  # unknown field
        lambda: Point(1, 2.0, 3),  # type: ignore[call-arg]  # too many
        lambda: Point(1, x=3),  # type: ignore[misc]  # duplicate
    ]
    for call in calls:
        with pytest.raises(TypeError):
            call()

    class Forgets(eqx.Module):
        x: int

        def __init__(self) -> None:
            pass

    with pytest.raises(TypeError):
        Forgets()


def test_check_init_assignment_is_frozen() -> None:
    class Assigns(eqx.Module):
        x: int

        def __check_init__(self) -> None:
            self.x = 5  # type: ignore[eqx-frozen]  # frozen, the point of the test

    with pytest.raises(dataclasses.FrozenInstanceError):
        Assigns(1)


def test_hash_and_equality() -> None:
    assert Point(1) == Point(1)
    assert Point(1) != Point(2)
    assert (Point(1) == 1) is False
    assert hash(Point(1)) == hash(Point(1))

    class Loose(eqx.Module):
        x: Any
        s: Any = eqx.field(static=True, default=1)

    with pytest.raises(TypeError):
        hash(Loose(jnp.ones(2)))
    # Every field's value is hashed, static ones included.
    with pytest.raises(TypeError):
        hash(Loose([1, 2]))
    with pytest.raises(TypeError):
        hash(Loose({"a": 1}))
    assert hash(Loose((1, 2))) == hash(Loose((1, 2)))
    assert hash(Loose(1, 1)) != hash(Loose(1, 2))


# --- dataclass behaviour -------------------------------------------------------


def test_replace_asdict_astuple() -> None:
    point = Point(1)
    assert dataclasses.replace(point, y=5.0) == Point(1, 5.0)
    assert dataclasses.is_dataclass(point)
    assert dataclasses.asdict(point) == {"x": 1, "y": 2.0}
    assert dataclasses.astuple(point) == (1, 2.0)
    assert Point.__match_args__ == ("x", "y")


def test_post_init_with_the_generated_init() -> None:
    class Doubled(eqx.Module):
        x: int
        y: int = dataclasses.field(init=False)

        def __post_init__(self) -> None:
            self.y = self.x * 2

    assert Doubled(3).y == 6


def test_check_init_runs_for_every_class_in_the_mro() -> None:
    order: list[str] = []

    class Checked(eqx.Module):
        x: int

        def __check_init__(self) -> None:
            order.append("parent")
            if self.x < 0:
                raise ValueError("negative")

    class CheckedChild(Checked):
        def __check_init__(self) -> None:
            order.append("child")

    CheckedChild(1)
    assert order == ["child", "parent"]
    with pytest.raises(ValueError):
        CheckedChild(-1)
    # Rebuilding a tree runs no checks; tree_at neither.
    order.clear()
    jax.tree_util.tree_map(lambda leaf: leaf, CheckedChild(1))
    assert order == ["child", "parent"]
    order.clear()
    assert eqx.tree_at(lambda m: m.x, CheckedChild(1), -5).x == -5
    assert order == ["child", "parent"]


def test_converters() -> None:
    class Converted(eqx.Module):
        x: float = eqx.field(converter=float)
        y: int = eqx.field(converter=int, default=cast(Any, "3"))

    converted = Converted(1)
    assert (converted.x, converted.y) == (1.0, 3)
    assert (type(converted.x), type(converted.y)) == (float, int)
    # Rebuilding a tree does not convert; replace does.
    rebuilt = jax.tree_util.tree_map(lambda leaf: 1, converted)
    assert type(rebuilt.x) is int
    assert type(dataclasses.replace(converted, x=2).x) is float


def test_converter_runs_after_custom_init_and_post_init() -> None:
    seen_types: list[str] = []

    class AfterInit(eqx.Module):
        x: float = eqx.field(converter=float)

        def __init__(self, x: int) -> None:
            self.x = x
            seen_types.append(type(self.x).__name__)

    class AfterPostInit(eqx.Module):
        x: float = eqx.field(converter=float)

        def __post_init__(self) -> None:
            seen_types.append(type(self.x).__name__)

    class BeforeCheckInit(eqx.Module):
        x: float = eqx.field(converter=float)

        def __check_init__(self) -> None:
            seen_types.append(type(self.x).__name__)

    assert type(AfterInit(1).x) is float
    assert type(AfterPostInit(1).x) is float
    assert type(BeforeCheckInit(1).x) is float
    assert seen_types == ["int", "int", "float"]


def _to_array(x: int | list[int]) -> jax.Array:
    return jnp.asarray(x)


def test_converter_input_annotation_of_the_generated_init() -> None:
    class Builtin(eqx.Module):
        x: float = eqx.field(converter=float)
        y: int = eqx.field(converter=int, default=cast(Any, "3"))

    assert Builtin.__init__.__annotations__ == {"x": Any, "y": Any, "return": None}
    assert str(inspect.signature(Builtin)) == "(x: Any, y: Any = '3') -> None"

    class Annotated(eqx.Module):
        x: jax.Array = eqx.field(converter=_to_array)

    assert Annotated.__init__.__annotations__ == {
        "x": int | list[int],
        "return": None,
    }
    assert str(inspect.signature(Annotated)) == "(x: int | list[int]) -> None"
    assert isinstance(Annotated([1, 2]).x, jax.Array)


def test_field_metadata() -> None:
    static: Any = eqx.field(static=True)
    assert dict(static.metadata) == {"static": True}
    converted: Any = eqx.field(converter=float)
    assert dict(converted.metadata) == {"converter": float}
    both: Any = eqx.field(converter=float, static=True, metadata={"a": 1})
    assert list(both.metadata.items()) == [
        ("a", 1),
        ("converter", float),
        ("static", True),
    ]
    with pytest.raises(ValueError):
        eqx.field(metadata={"static": True})
    with pytest.raises(ValueError):
        eqx.field(metadata={"converter": float})
    assert type(eqx.field()) is dataclasses.Field


def test_static_field_is_a_deprecated_alias() -> None:
    with pytest.warns(UserWarning, match="static_field"):
        f = eqx.static_field(default=1)  # pyright: ignore[reportDeprecated]  # the deprecated alias under test
    assert f.metadata["static"] is True and f.default == 1
    with pytest.warns(UserWarning):
        conv = eqx.static_field(converter=int)  # pyright: ignore[reportDeprecated]  # the deprecated alias under test
    assert dict(conv.metadata) == {"converter": int, "static": True}
    with pytest.warns(UserWarning), pytest.raises(TypeError):
        eqx.static_field(static=False)  # pyright: ignore[reportDeprecated]  # the deprecated alias under test

    with pytest.warns(UserWarning):

        class WithStatic(eqx.Module):
            a: int = eqx.static_field(default=2)  # pyright: ignore[reportDeprecated]  # the deprecated alias under test

    assert jax.tree_util.tree_leaves(WithStatic()) == []


def test_static_field_in_treedef() -> None:
    class Static(eqx.Module):
        normal: Any
        static: Any = eqx.field(static=True)

    leaves, treedef = jax.tree_util.tree_flatten(Static("normal", "static"))
    assert leaves == ["normal"]
    assert "static" in str(treedef)


def test_inherited_fields_and_defaults() -> None:
    assert [f.name for f in dataclasses.fields(PointChild)] == ["x", "y", "z"]
    assert PointChild(1) == PointChild(1, 2.0, 0)


# --- methods as pytrees ----------------------------------------------------------


class Scaled(eqx.Module):
    w: jax.Array

    def f(self, x: float) -> jax.Array:
        return self.w * x

    def __call__(self, x: Any) -> Any:
        return x


def test_bound_method_is_a_pytree() -> None:
    model = Scaled(jnp.ones(2))
    method = model.f
    assert type(method).__name__ == "BoundMethod"
    assert isinstance(method, eqx.Module)
    assert len(jax.tree_util.tree_leaves(method)) == 1
    assert method.__self__ is model
    assert method.__func__ is Scaled.f
    assert inspect.isfunction(Scaled.f)
    assert [f.name for f in dataclasses.fields(method)] == ["__func__", "__self__"]
    assert str(inspect.signature(method)).startswith("(x: float) -> ")
    doubled = jax.tree_util.tree_map(lambda leaf: leaf * 3, method)
    assert jnp.array_equal(doubled(1.0), jnp.full(2, 3.0))
    # `jax.jit` hashes the function it is given: a method of a module holding
    # arrays is unhashable, as in Equinox (use `eqx.filter_jit`).
    with pytest.raises(TypeError):
        jax.jit(method)(2.0)


def test_bound_method_names() -> None:
    method = Scaled(jnp.ones(2)).f
    assert getattr(method, "__name__") == "f"  # noqa: B009  # forwarded from the function
    assert getattr(method, "__qualname__") == "Scaled.f"  # noqa: B009  # forwarded from the function
    assert method.__doc__ is None
    assert inspect.ismethod(getattr(method, "__wrapped__"))  # noqa: B009  # not on the static type


def test_dunder_methods_are_plain_bound_methods() -> None:
    model = Scaled(jnp.ones(2))
    assert inspect.ismethod(model.__call__)
    assert jax.jit(model.__call__)(1.0) == 1.0


def test_assigning_another_modules_bound_method() -> None:
    class Holder(eqx.Module):
        fn: Callable[[float], jax.Array]
        lin: Scaled

        def __init__(self) -> None:
            self.lin = Scaled(jnp.ones(2))
            self.fn = self.lin.f

    holder = Holder()
    assert type(holder.fn).__name__ == "BoundMethod"
    assert len(jax.tree_util.tree_leaves(holder)) == 2


def test_assigning_own_bound_method_is_a_value_error() -> None:
    class SelfMethod(eqx.Module):
        fn: Callable[[int], int]

        def __init__(self) -> None:
            self.fn = self.helper

        def helper(self, x: int) -> int:
            return x

    with pytest.raises(ValueError):
        SelfMethod()


def test_assigning_own_dunder_method_makes_a_bound_method() -> None:
    class SelfCall(eqx.Module):
        fn: Callable[[int], int]

        def __init__(self) -> None:
            self.fn = self.__call__

        def __call__(self, x: int) -> int:
            return x

    made = SelfCall()
    assert type(made.fn).__name__ == "BoundMethod"
    assert "<recursive>" in repr(made)


# --- warnings -------------------------------------------------------------------


class Layer(eqx.Module):
    w: Any = 1.0

    def __call__(self, x: float) -> Any:
        return x * self.w

    def meth(self, x: float) -> float:
        return x


class Holds(eqx.Module):
    f: Any


class HoldsStatic(eqx.Module):
    f: Any = eqx.field(static=True)


class AssignsIt(eqx.Module):
    f: Any

    def __init__(self, f: Any) -> None:
        self.f = f


def _plain(x: float) -> float:
    return x


_TRANSFORMS: list[Callable[[Any], Any]] = [
    jax.jit,
    jax.vmap,
    jax.grad,
    jax.checkpoint,
    jax.custom_jvp,
    jax.custom_vjp,
]


@pytest.mark.parametrize("transform", _TRANSFORMS)
def test_jax_transformed_module_in_a_field_warns(
    transform: Callable[[Any], Any],
) -> None:
    targets: list[Any] = [Layer(), Layer().meth]
    for target in targets:
        for holder in (Holds, AssignsIt, HoldsStatic):
            made = functools.partial(holder, transform(target))
            assert _warnings_of(made) == {UserWarning}
    # A transformed plain function is fine.
    assert _warnings_of(lambda: Holds(transform(_plain))) == set()


def test_jax_transformed_warning_conditions() -> None:
    def wraps(x: Any) -> Callable[..., Any]:
        @functools.wraps(x)
        def g(*args: Any) -> Any:
            return x(*args)

        return g

    class NotAModule:
        w = 1.0

        def __call__(self, x: float) -> float:
            return x

    warns: list[Callable[[], object]] = [
        lambda: Holds((jax.vmap(Layer()),)),  # inside a container
        lambda: Holds({"a": jax.vmap(Layer())}),
        lambda: Holds(jax.jit(jax.jit(Layer()))),  # nested
        lambda: Holds(jax.jit(jax.tree_util.Partial(_plain, jnp.ones(2)))),  # type: ignore[no-untyped-call]  # untyped in JAX
        lambda: Holds(wraps(1)),  # any wrapped array-like leaf
        lambda: Holds(wraps(np.ones(2))),
        lambda: Holds(wraps([1.0])),
        lambda: dataclasses.replace(Holds(1), f=jax.vmap(Layer())),
    ]
    for make in warns:
        assert _warnings_of(make) == {UserWarning}
    quiet: list[Callable[[], object]] = [
        lambda: Holds(jax.jit(Layer(None))),  # no leaves
        lambda: Holds(jax.jit(jax.tree_util.Partial(_plain))),  # type: ignore[no-untyped-call]  # untyped in JAX
        lambda: Holds(jax.vmap(Layer().__call__)),  # a plain bound method
        lambda: Holds(functools.partial(Layer())),  # not a JAX transformation
        lambda: Holds(wraps("abc")),
        lambda: Holds(wraps(None)),
        lambda: Holds(wraps(NotAModule())),
        lambda: AssignsIt((jax.jit(Layer()),)),  # custom __init__: the value only
        lambda: eqx.tree_at(lambda m: m.f, Holds(1), jax.vmap(Layer())),
    ]
    for make in quiet:
        assert _warnings_of(make) == set()


def test_jax_transformed_warning_points_at_the_user() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Holds(jax.vmap(Layer()))
    assert __file__ in [w.filename for w in caught]


def test_array_in_a_static_field_warns() -> None:
    warns: list[Any] = [
        jnp.ones(2),
        np.ones(2),
        jnp.array(1.0),
        np.float32(1),
        (jnp.ones(2),),
        [1, jnp.ones(2)],
        {"a": jnp.ones(2)},
        Layer(jnp.ones(2)),
    ]
    for value in warns:
        assert _warnings_of(functools.partial(HoldsStatic, value)) == {UserWarning}
    for value in (1, 1.0, "s", None, (1, 2)):
        assert _warnings_of(functools.partial(HoldsStatic, value)) == set()
    # A custom __init__, a tracer, and replace warn too.
    assert _warnings_of(lambda: jax.jit(lambda x: HoldsStatic(x).f)(1.0)) == {
        UserWarning
    }
    assert _warnings_of(lambda: dataclasses.replace(HoldsStatic(1), f=jnp.ones(2))) == {
        UserWarning
    }


def test_custom_init_with_post_init_warns_at_class_creation() -> None:
    def make() -> type:
        class Both(eqx.Module):
            x: int

            def __init__(self, x: int) -> None:
                self.x = x

            def __post_init__(self) -> None:
                raise AssertionError("never runs")

        return Both

    assert _warnings_of(make) == {UserWarning}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        both = make()
    assert both(3).x == 3  # __post_init__ does not run

    def make_inherited() -> type:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parent = make()
        return type("Child", (parent,), {})

    assert _warnings_of(make_inherited) == {UserWarning}

    def make_generated() -> type:
        class Generated(eqx.Module):
            x: int

            def __post_init__(self) -> None:
                pass

        return Generated

    assert _warnings_of(make_generated) == set()


# --- Partial ------------------------------------------------------------------------


def test_partial_parity() -> None:
    bound = eqx.Partial(lambda a, b, c=0: (a, b, c), 1, c=3)
    assert bound(2) == (1, 2, 3)
    assert (bound.args, bound.keywords) == ((1,), {"c": 3})
    assert str(inspect.signature(eqx.Partial)).startswith(
        "(func: collections.abc.Callable[..., ~"
    )
    assert eqx.Partial(max).func is max
    assert eqx.Partial(eqx.Partial(lambda a, b: a - b, 5), 2)() == 3
    assert eqx.Partial(max, 1) == eqx.Partial(max, 1)
    with pytest.raises(TypeError):
        hash(eqx.Partial(max, 1))  # the keywords dict is unhashable
    leaves = jax.tree_util.tree_leaves(eqx.Partial(_plain, jnp.ones(2), k=3))
    assert leaves[0] is _plain and leaves[2] == 3
    assert [f.name for f in dataclasses.fields(eqx.Partial)] == [
        "func",
        "args",
        "keywords",
    ]


# --- classes with the same fields -------------------------------------------------


class Named(eqx.Module):
    x: Any

    def __call__(self) -> str:
        return "Named"


class Renamed(Named):
    def __call__(self) -> str:
        return "Renamed"


def test_classes_with_the_same_fields_have_different_treedefs() -> None:
    # Measured on Equinox: different structures, so not equal.
    assert jax.tree_util.tree_structure(Named(1)) != jax.tree_util.tree_structure(
        Renamed(1)
    )
    assert Named(1) != Renamed(1)
    assert Named(1) == Named(1)


def test_filter_jit_does_not_reuse_another_classs_trace() -> None:
    call = eqx.filter_jit(lambda m: (m(), m.x))
    assert call(Named(1.0))[0] == "Named"
    assert call(Renamed(1.0))[0] == "Renamed"


def test_transformed_own_method_in_init() -> None:
    # The module is half-built: only the fields assigned so far count.
    class NothingYet(eqx.Module):
        f: Any

        def __init__(self) -> None:
            self.f = jax.jit(self.g)

        def g(self, x: float) -> float:
            return x

    class WithLayer(eqx.Module):
        sub: Layer
        f: Any

        def __init__(self) -> None:
            self.sub = Layer()
            self.f = jax.vmap(self.g)

        def g(self, x: float) -> float:
            return x

    assert _warnings_of(NothingYet) == set()
    assert _warnings_of(WithLayer) == {UserWarning}


def test_dataclass_decorator_on_a_subclass() -> None:
    # As in Equinox: modules report `frozen=False`, so a plain
    # `@dataclasses.dataclass` on a subclass works and a frozen one does not.
    assert Point.__dataclass_params__.frozen is False  # type: ignore[attr-defined]  # set by dataclasses

    @dataclasses.dataclass
    class Decorated(Point):
        z: int = 0

    made = Decorated(1, 2.0, 3)
    assert (made.x, made.y, made.z) == (1, 2.0, 3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.x = 2  # type: ignore[eqx-frozen]  # still frozen after __init__
    with pytest.raises(TypeError):

        @dataclasses.dataclass(frozen=True)
        class FrozenDecorated(Point):  # type: ignore[misc]  # the error under test
            z: int = 0


def test_eq_returns_what_tree_equal_returns() -> None:
    class Pair(eqx.Module):
        a: Any
        b: int = eqx.field(static=True, default=1)

    same = Pair(jnp.arange(3.0)) == Pair(jnp.arange(3.0))
    assert isinstance(same, jax.Array) and same.dtype == jnp.bool_ and bool(same)
    differ = Pair(jnp.arange(3.0)) == Pair(jnp.array([0.0, 1.0, 5.0]))
    assert isinstance(differ, jax.Array) and not bool(differ)
    # Python bools where no JAX array is compared, or the structures differ.
    assert (Pair(1) == Pair(1)) is True
    assert (Pair(1) == Pair(2)) is False
    assert (Pair(jnp.arange(3.0)) == Pair(jnp.arange(4.0))) is False
    assert (Pair(np.arange(3.0)) == Pair(np.arange(3.0))) is True
    assert (Pair(1) == 3) is False
    assert (Pair(jnp.arange(3.0)) != Pair(jnp.arange(3.0))) is False


def test_filter_jit_of_own_method_inside_init() -> None:
    # Equinox 0.13.8: works, tracing the fields assigned so far.
    class Jitted(eqx.Module):
        w: jax.Array
        out: jax.Array

        def __init__(self) -> None:
            self.w = jnp.ones(2)
            method = self.g
            assert len(jax.tree_util.tree_leaves(method)) == 1
            self.out = eqx.filter_jit(method)(jnp.ones(2))
            assert len(jax.tree_util.tree_leaves(self.g)) == 2

        def g(self, x: jax.Array) -> jax.Array:
            return self.w + x

    np.testing.assert_array_equal(np.asarray(Jitted().out), [2.0, 2.0])
    # Outside `__init__` the method is the usual BoundMethod pytree.
    assert type(Jitted().g) is eqx._module.BoundMethod  # pyright: ignore[reportPrivateUsage]  # the class under test


def test_treedef_repr() -> None:
    class Two(eqx.Module):
        x: int
        s: int = eqx.field(static=True)
        t: str = eqx.field(static=True)

    assert str(jax.tree_util.tree_structure(Point(1))) == (
        "PyTreeDef(CustomNode(Point[(Missing,)], [*, *]))"
    )
    assert str(jax.tree_util.tree_structure(Two(1, 2, "a"))) == (
        "PyTreeDef(CustomNode(Two[(Missing, 2, 'a')], [*]))"
    )


def test_static_field_positional_raises_without_warning() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(TypeError):
            eqx.static_field(1)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue, reportDeprecated]  # the misuse under test
    assert caught == []
