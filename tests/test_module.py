import abc
import dataclasses
import types
import warnings
from typing import Any, ClassVar

import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
import pytest

import equinox as eqx

# ---------------------------------------------------------------- construction


class Point(eqx.Module):
    x: int
    y: float = 2.0


def test_generated_init_positional_and_keyword() -> None:
    p = Point(1)
    assert (p.x, p.y) == (1, 2.0)
    q = Point(y=5.0, x=3)
    assert (q.x, q.y) == (3, 5.0)


def test_generated_init_missing_argument_names_it() -> None:
    with pytest.raises(TypeError, match="'x'"):
        Point()  # type: ignore[call-arg]  # the missing argument is the point


def test_module_is_a_dataclass_and_a_pytree() -> None:
    p = Point(1, 3.0)
    assert dataclasses.is_dataclass(p)
    assert jtu.tree_leaves(p) == [1, 3.0]
    doubled = jtu.tree_map(lambda v: v * 2, p)
    assert isinstance(doubled, Point)
    assert (doubled.x, doubled.y) == (2, 6.0)


class Scaled(eqx.Module):
    value: float
    scale: int

    def __init__(self, value: float, scale: int = 10) -> None:
        self.value = value * scale
        self.scale = scale


def test_custom_init_assigns_fields() -> None:
    s = Scaled(1.5)
    assert s.value == 15.0
    assert s.scale == 10


def test_assignment_after_init_is_frozen_error_naming_field() -> None:
    s = Scaled(1.0)
    with pytest.raises(eqx.ModuleFrozenError, match=r"'value'.*Scaled"):
        s.value = 3.0  # type: ignore[eqx-frozen]  # frozen on purpose
    # It is also the dataclasses error, so code catching that keeps working.
    with pytest.raises(dataclasses.FrozenInstanceError, match="'scale'"):
        s.scale = 1  # type: ignore[eqx-frozen]  # frozen on purpose
    assert s.value == 10.0


def test_deleting_a_field_is_an_error_naming_it() -> None:
    s = Scaled(1.0)
    with pytest.raises(eqx.ModuleFrozenError, match="'value'"):
        del s.value


def test_assigning_an_undeclared_attribute_in_init_names_it() -> None:
    class Sloppy(eqx.Module):
        a: int

        def __init__(self) -> None:
            self.a = 1
            self.b = 2  # type: ignore[eqx-undeclared]  # the run-time error under test

    with pytest.raises(AttributeError, match="Sloppy has no field 'b'"):
        Sloppy()


# What the mypy plugin's `eqx-undeclared` mirrors: in `__init__` /
# `__post_init__` only fields may be assigned; a class attribute, a property
# with a setter or an annotation inside the method does not make a field.


class _NotFields(eqx.Module):
    a: int
    plain = 0

    def __init__(self, target: str) -> None:
        self.a = 1
        if target == "plain":
            self.plain = 1  # type: ignore[eqx-undeclared]  # the run-time error under test
        elif target == "prop":
            self.prop = 1  # type: ignore[eqx-undeclared]  # the run-time error under test
        elif target == "annotated":
            self.annotated: int = 1  # type: ignore[eqx-undeclared]  # under test

    @property
    def prop(self) -> int:
        return 0

    @prop.setter
    def prop(self, value: int) -> None:
        raise AssertionError("never reached: Module.__setattr__ refuses first")


@pytest.mark.parametrize("target", ["plain", "prop", "annotated"])
def test_only_fields_can_be_assigned_in_init(target: str) -> None:
    with pytest.raises(AttributeError, match=f"_NotFields has no field '{target}'"):
        _NotFields(target)


def test_undeclared_attribute_in_post_init_is_refused() -> None:
    class Derived(eqx.Module):
        a: int

        def __post_init__(self) -> None:
            self.double = 2 * self.a  # type: ignore[eqx-undeclared]  # under test

    with pytest.raises(AttributeError, match="Derived has no field 'double'"):
        Derived(1)


def test_inherited_and_dataclass_base_fields_can_be_assigned_in_init() -> None:
    @dataclasses.dataclass
    class Tagged:
        tag: str

    class Base(eqx.Module):
        a: int

    class Sub(Base, Tagged):
        b: int = eqx.field(init=False)

        def __init__(self) -> None:
            self.a: int = 1  # re-annotating an inherited field: still a field
            self.b = 2
            self.tag = "sub"

    s = Sub()
    assert (s.a, s.b, s.tag) == (1, 2, "sub")


def test_unassigned_field_error_names_it() -> None:
    class Half(eqx.Module):
        a: int
        b: int

        def __init__(self, a: int) -> None:
            self.a = a

    with pytest.raises(TypeError, match=r"Half.*'b'"):
        Half(1)


def test_custom_init_leaves_defaulted_field_to_its_default() -> None:
    class WithDefaults(eqx.Module):
        a: int
        b: int = 7
        c: list[int] = eqx.field(default_factory=lambda: [1])

        def __init__(self, a: int) -> None:
            self.a = a

    w = WithDefaults(1)
    assert (w.a, w.b, w.c) == (1, 7, [1])


# ------------------------------------------------------------------ converters


class Converted(eqx.Module):
    arr: jax.Array = eqx.field(converter=jnp.asarray)
    ratio: float = eqx.field(converter=float, default=1.0)


# Static checkers do not apply converters to `__init__`'s signature (that is
# the mypy plugin's job), so raw values are passed as `Any` here.
THREE: Any = 3


def test_converter_runs_with_generated_init() -> None:
    c = Converted(THREE)
    assert isinstance(c.arr, jax.Array)
    assert c.arr.shape == ()
    assert c.ratio == 1.0
    d = Converted(THREE, THREE)
    assert type(d.ratio) is float
    assert d.ratio == 3.0


def test_converter_runs_on_values_assigned_in_custom_init() -> None:
    class CustomConverted(eqx.Module):
        arr: jax.Array = eqx.field(converter=jnp.asarray)

        def __init__(self, value: list[float]) -> None:
            self.arr = value

    c = CustomConverted([1.0, 2.0])
    assert isinstance(c.arr, jax.Array)
    assert c.arr.shape == (2,)


def test_converter_must_be_callable() -> None:
    with pytest.raises(TypeError, match="converter"):
        eqx.field(converter=3)  # type: ignore[call-overload]  # not callable on purpose


def test_field_rejects_static_in_metadata() -> None:
    with pytest.raises(ValueError, match="static"):
        eqx.field(metadata={"static": True})


def test_field_keeps_user_metadata() -> None:
    class Meta(eqx.Module):
        a: int = eqx.field(metadata={"doc": "hello"}, static=True)

    (f,) = dataclasses.fields(Meta)
    assert f.metadata["doc"] == "hello"
    assert f.metadata["static"] is True


# --------------------------------------------------------- post / check init


def test_post_init_runs_with_generated_init_and_may_assign() -> None:
    class Post(eqx.Module):
        a: int
        doubled: int = eqx.field(init=False)

        def __post_init__(self) -> None:
            self.doubled = 2 * self.a

    p = Post(4)
    assert p.doubled == 8
    with pytest.raises(eqx.ModuleFrozenError, match="'doubled'"):
        p.doubled = 1  # type: ignore[eqx-frozen]  # frozen on purpose


def test_check_init_runs_on_every_class_in_mro_order() -> None:
    calls: list[str] = []

    class Base(eqx.Module):
        a: int

        def __check_init__(self) -> None:
            calls.append("Base")

    class Middle(Base):
        def __check_init__(self) -> None:
            calls.append("Middle")

    class Leaf(Middle):
        b: int = 0

        def __check_init__(self) -> None:
            calls.append("Leaf")

    class NoOwnCheck(Leaf):
        pass

    Leaf(1)
    assert calls == ["Leaf", "Middle", "Base"]
    calls.clear()
    NoOwnCheck(1)
    # Inherited checks run once each, not once per class that inherits them.
    assert calls == ["Leaf", "Middle", "Base"]


def test_check_init_sees_converted_values_and_can_reject() -> None:
    class Positive(eqx.Module):
        x: float = eqx.field(converter=float)

        def __check_init__(self) -> None:
            assert type(self.x) is float
            if self.x <= 0:
                raise ValueError(f"Positive.x must be > 0, got {self.x}")

    assert Positive(2).x == 2.0
    with pytest.raises(ValueError, match=r"Positive\.x must be > 0, got -1\.0"):
        Positive(-1)


def test_check_init_cannot_assign() -> None:
    class Sneaky(eqx.Module):
        a: int

        def __check_init__(self) -> None:
            self.a = 2  # type: ignore[eqx-frozen]  # refused at run time too

    with pytest.raises(eqx.ModuleFrozenError, match="'a'"):
        Sneaky(1)


# -------------------------------------------------------------------- abstract


class AbstractModel(eqx.Module):
    size: eqx.AbstractVar[int]
    kind: eqx.AbstractClassVar[str]

    @abc.abstractmethod
    def run(self) -> int: ...


def test_abstract_method_refused_by_python_first() -> None:
    # As in Equinox 0.13.8: Python's own check (in `object.__new__`) runs
    # before construction and names the abstract method (the wording is
    # Python's, and changed in 3.12).
    with pytest.raises(TypeError, match=r"AbstractModel .*abstract method '?run"):
        AbstractModel()  # type: ignore[abstract,eqx-abstract]  # abstract on purpose


class AbstractAttributes(eqx.Module):
    size: eqx.AbstractVar[int]
    kind: eqx.AbstractClassVar[str]


def test_abstract_module_lists_every_missing_attribute() -> None:
    with pytest.raises(TypeError, match="AbstractAttributes") as info:
        AbstractAttributes()  # type: ignore[eqx-abstract]  # abstract on purpose
    message = str(info.value)
    for name in ("size", "kind"):
        assert name in message


def test_partly_concrete_subclass_lists_only_what_is_still_missing() -> None:
    class HasSize(AbstractAttributes):
        size: int

    with pytest.raises(TypeError, match="HasSize") as info:
        HasSize(3)  # type: ignore[eqx-abstract]  # still abstract on purpose
    message = str(info.value)
    assert "kind" in message
    assert "size" not in message


def test_abstract_var_provided_as_field() -> None:
    class AsField(AbstractModel):
        size: int
        kind: ClassVar[str] = "field"

        def run(self) -> int:
            return self.size

    m = AsField(3)
    assert m.run() == 3
    assert [f.name for f in dataclasses.fields(m)] == ["size"]


def test_abstract_var_provided_as_property_or_class_attribute() -> None:
    class AsProperty(AbstractModel):
        kind = "property"

        @property
        def size(self) -> int:
            return 5

        def run(self) -> int:
            return self.size

    class AsClassAttribute(AbstractModel):
        size = 6
        kind = "class attribute"

        def run(self) -> int:
            return self.size

    assert AsProperty().run() == 5
    assert AsClassAttribute().run() == 6
    assert dataclasses.fields(AsProperty) == ()


def test_abstract_var_is_not_a_field_of_its_declaring_class() -> None:
    assert dataclasses.fields(AbstractModel) == ()


def test_abstract_var_with_a_value_is_rejected() -> None:
    with pytest.raises(TypeError, match=r"Bad\.x.*AbstractVar"):

        class Bad(eqx.Module):
            x: eqx.AbstractVar[int] = 3


# ---------------------------------------------------------------------- static


class WithStatic(eqx.Module):
    weight: jax.Array
    name: str = eqx.field(static=True)


def test_static_field_lives_in_treedef() -> None:
    a = WithStatic(jnp.ones(2), "a")
    b = WithStatic(jnp.ones(2), "b")
    assert len(jtu.tree_leaves(a)) == 1
    assert jtu.tree_structure(a) != jtu.tree_structure(b)
    rebuilt = jtu.tree_unflatten(jtu.tree_structure(a), [jnp.zeros(2)])
    assert rebuilt.name == "a"


def test_static_field_is_not_traced_by_jit() -> None:
    @jax.jit
    def f(m: WithStatic) -> jax.Array:
        assert isinstance(m.name, str)  # would be a tracer if it were a leaf
        return m.weight * len(m.name)

    assert jnp.array_equal(f(WithStatic(jnp.ones(2), "abc")), 3 * jnp.ones(2))


@pytest.mark.parametrize("array", [jnp.ones(3), np.ones(3)])
def test_static_array_warns_naming_field(array: Any) -> None:
    class StaticArray(eqx.Module):
        table: Any = eqx.field(static=True)

    with pytest.warns(UserWarning, match=r"StaticArray\.table.*static"):
        StaticArray(array)


def test_static_non_array_does_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        WithStatic(jnp.ones(1), "fine")


# ----------------------------------------------------------- bound methods


class Affine(eqx.Module):
    weight: jax.Array
    bias: jax.Array

    def apply(self, x: jax.Array) -> jax.Array:
        return self.weight * x + self.bias

    def __call__(self, x: jax.Array) -> jax.Array:
        return self.apply(x)


def test_bound_method_is_a_pytree_with_the_instance_as_child() -> None:
    m = Affine(jnp.array(2.0), jnp.array(1.0))
    method = m.apply
    leaves = jtu.tree_leaves(method)
    assert len(leaves) == 2
    assert leaves[0] is m.weight
    shifted = jtu.tree_map(lambda v: v + 1, method)
    assert jnp.array_equal(shifted(jnp.array(1.0)), jnp.array(5.0))


def test_bound_method_passes_through_jit_as_argument() -> None:
    m = Affine(jnp.array(2.0), jnp.array(1.0))
    traces = 0

    @jax.jit
    def call(f: Any, x: jax.Array) -> jax.Array:
        nonlocal traces
        traces += 1
        out: jax.Array = f(x)
        return out

    assert jnp.array_equal(call(m.apply, jnp.array(3.0)), jnp.array(7.0))
    other = Affine(jnp.array(3.0), jnp.array(0.0))
    assert jnp.array_equal(call(other.apply, jnp.array(3.0)), jnp.array(9.0))
    # The weights are traced leaves, so new values do not retrace.
    assert traces == 1


def test_bound_method_is_differentiable_through_the_instance() -> None:
    m = Affine(jnp.array(2.0), jnp.array(1.0))
    grads = jax.grad(lambda f: f(jnp.array(3.0)))(m.apply)
    assert jnp.array_equal(grads.__self__.weight, jnp.array(3.0))
    assert jnp.array_equal(grads.__self__.bias, jnp.array(1.0))


def test_dunder_methods_stay_plain_bound_methods() -> None:
    m = Affine(jnp.array(2.0), jnp.array(1.0))
    assert isinstance(m.__call__, types.MethodType)
    assert Affine.apply(m, jnp.array(1.0)) == 3.0  # class access: the function


# ------------------------------------------------------- eq / hash / repr


def test_eq_is_tree_equal() -> None:
    a = Affine(jnp.array([1.0, 2.0]), jnp.array(0.0))
    assert a == Affine(jnp.array([1.0, 2.0]), jnp.array(0.0))
    assert a != Affine(jnp.array([1.0, 3.0]), jnp.array(0.0))
    assert a != Point(1)


def test_eq_under_jit_is_traced_bool() -> None:
    a = Affine(jnp.array([1.0, 2.0]), jnp.array(0.0))
    out = jax.jit(lambda m, n: m == n)(a, a)
    assert isinstance(out, jax.Array)
    assert out.dtype == jnp.bool_
    assert bool(out)


def test_hash_follows_leaves() -> None:
    assert hash(Point(1, 2.0)) == hash(Point(1, 2.0))
    assert len({Point(1, 2.0), Point(1, 2.0), Point(2, 2.0)}) == 2


def test_repr_summarises_arrays() -> None:
    m = Affine(jnp.ones((3, 4)), jnp.zeros(3))
    text = repr(m)
    assert text.startswith("Affine(")
    assert "weight=f32[3,4]" in text
    assert "bias=f32[3]" in text


# ----------------------------------------------------------- dataclasses


def test_dataclasses_fields_and_replace() -> None:
    assert [f.name for f in dataclasses.fields(Converted)] == ["arr", "ratio"]
    c = Converted(THREE, 2.0)
    d = dataclasses.replace(c, ratio=THREE)
    assert d.ratio == 3.0 and type(d.ratio) is float  # converter ran again
    assert d.arr is c.arr
    assert c.ratio == 2.0


def test_static_field_not_in_tree_but_in_fields() -> None:
    assert [f.name for f in dataclasses.fields(WithStatic)] == ["weight", "name"]


# ---------------------------------------------- tree_unflatten skips __init__


def test_tree_unflatten_runs_no_init_converter_or_check() -> None:
    counts = {"init": 0, "convert": 0, "check": 0}

    def convert(v: Any) -> jax.Array:
        counts["convert"] += 1
        out: jax.Array = jnp.asarray(v)
        return out

    class Counted(eqx.Module):
        a: jax.Array = eqx.field(converter=convert)

        def __init__(self, a: Any) -> None:
            counts["init"] += 1
            self.a = a

        def __check_init__(self) -> None:
            counts["check"] += 1

    m = Counted(1.0)
    assert counts == {"init": 1, "convert": 1, "check": 1}
    treedef = jtu.tree_structure(m)
    rebuilt = jtu.tree_unflatten(treedef, ["not an array"])
    jtu.tree_map(lambda v: v + 1, m)
    jax.jit(lambda x: x)(m)
    jax.vmap(lambda x: x)(Counted(jnp.arange(3.0)))
    assert counts == {"init": 2, "convert": 2, "check": 2}
    # The rebuilt tree holds exactly what it was given, unconverted.
    assert rebuilt.a == "not an array"
    assert isinstance(rebuilt, Counted)


# ------------------------------------------------ inheriting a custom __init__


class Parent(eqx.Module):
    a: int

    def __init__(self, value: int) -> None:
        self.a = value + 100


def test_subclass_inherits_custom_init() -> None:
    class Child(Parent):
        pass

    c = Child(1)
    assert c.a == 101
    assert isinstance(c, Parent)


def test_subclass_with_new_defaulted_field_keeps_parent_init() -> None:
    class Child(Parent):
        extra: str = "default"

    c = Child(1)
    assert (c.a, c.extra) == (101, "default")


def test_subclass_own_init_replaces_parent_init() -> None:
    class Child(Parent):
        b: int

        def __init__(self, x: int) -> None:
            super().__init__(x)
            self.b = x

    c = Child(2)
    assert (c.a, c.b) == (102, 2)


def test_nested_modules_flatten_with_key_paths() -> None:
    class Outer(eqx.Module):
        layers: list[Affine]

    m = Outer([Affine(jnp.ones(1), jnp.zeros(1))])
    paths = [jtu.keystr(p) for p, _ in jtu.tree_flatten_with_path(m)[0]]
    assert paths == [".layers[0].weight", ".layers[0].bias"]


def test_hash_of_module_with_arrays_names_the_class() -> None:
    class Holder(eqx.Module):
        x: jax.Array

    with pytest.raises(TypeError, match=r"cannot hash .*Holder.*unhashable"):
        hash(Holder(jnp.ones(2)))


def test_init_replaced_after_class_creation_is_used() -> None:
    # Decorators such as `jaxtyping.jaxtyped` wrap `__init__` after the class
    # exists; construction must call whatever `__init__` is there now.
    class Late(eqx.Module):
        x: int

    calls: list[int] = []
    original = Late.__init__

    def wrapped(self: Late, x: int) -> None:
        calls.append(x)
        original(self, x)

    Late.__init__ = wrapped  # type: ignore[method-assign]  # the point of the test
    assert Late(3).x == 3
    assert calls == [3]
