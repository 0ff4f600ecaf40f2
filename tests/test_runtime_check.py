"""Run-time dtype/shape checks of Module fields and methods (on by default)."""

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from typing import Any, cast

import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import jaxtyping
import numpy as np
import pytest
from jaxtyping import Array, Float, Int, Key, PyTree, Shaped

import equinox as eqx


def _any(value: object) -> Any:
    """A deliberately wrong value, hidden from the static checkers."""
    return value


def _message(fn: Callable[[], object]) -> str:
    with pytest.raises(eqx.TypeCheckError) as info:
        fn()
    return str(info.value)


# ------------------------------------------------------------- the basic layer


class Affine(eqx.Module):
    weight: Float[Array, "out in"]
    bias: Float[Array, "out"]

    def __call__(self, x: Float[Array, "in"]) -> Float[Array, "out"]:
        return self.weight @ x + self.bias


def test_fields_share_one_dimension_memo() -> None:
    Affine(jnp.ones((4, 3)), jnp.ones(4))
    message = _message(lambda: Affine(jnp.ones((4, 3)), _any(jnp.ones(5))))
    assert message.startswith("Affine: field 'bias' does not match its annotation.")
    assert "expected: Float[Array, 'out']" in message
    assert "got:      f32[5]" in message
    assert "size of dimension out is 5" in message
    assert "out=4 (from field 'weight')" in message
    assert "in=3 (from field 'weight')" in message


def test_wrong_dtype_names_dtype_and_shape() -> None:
    bad = jnp.ones((2, 3), dtype=jnp.int32)
    message = _message(lambda: Affine(_any(bad), jnp.ones(2)))
    assert "field 'weight'" in message
    assert "got:      i32[2,3]" in message
    assert "dtype int32" in message
    assert "dimensions bound so far: none" in message


def test_error_types() -> None:
    assert issubclass(eqx.TypeCheckError, TypeError)
    assert issubclass(eqx.TypeCheckError, jaxtyping.TypeCheckError)
    with pytest.raises(TypeError):
        Affine(jnp.ones((4, 3)), _any(jnp.ones(5)))


def test_numpy_array_is_accepted_like_a_jax_array() -> None:
    # JAX takes a NumPy array wherever it takes an array: so does the check,
    # with the same dtype and shape rules (and one dimension memo).
    layer = Affine(_any(np.ones((4, 3), np.float32)), jnp.ones(4))
    assert layer(_any(np.ones(3, np.float32))).shape == (4,)
    message = _message(lambda: Affine(_any(np.ones((4, 3), np.float32)), jnp.ones(5)))
    assert "size of dimension out is 5" in message
    message = _message(lambda: Affine(_any(np.ones((4, 3), np.int32)), jnp.ones(4)))
    assert "got:      i32[4,3] (numpy.ndarray)" in message
    assert "cast with weight.astype(jnp.float32)" in message


def test_method_argument_checked_against_field_dimensions() -> None:
    layer = Affine(jnp.ones((4, 3)), jnp.ones(4))
    assert layer(jnp.ones(3)).shape == (4,)
    message = _message(lambda: layer(jnp.ones(2)))
    assert message.startswith("Affine.__call__: argument 'x' does not match")
    assert "got:      f32[2]" in message
    assert "in=3 (from field 'weight')" in message


def test_method_return_value_checked() -> None:
    class Wrong(eqx.Module):
        weight: Float[Array, "out in"]

        def __call__(self, x: Float[Array, "in"]) -> Float[Array, "out"]:
            wrong: Array = _any(x)  # the deliberate bug under test
            return wrong

    layer = Wrong(jnp.ones((4, 3)))
    message = _message(lambda: layer(jnp.ones(3)))
    assert "Wrong.__call__: return value does not match" in message
    assert "got:      f32[3]" in message
    assert "out=4 (from field 'weight')" in message


def test_argument_bindings_reported_for_return_value() -> None:
    class Pairwise(eqx.Module):
        scale: float

        def __call__(
            self, x: Float[Array, "n"], y: Float[Array, "m"]
        ) -> Float[Array, "n m"]:
            return self.scale * x[:, None] * y[None, :1]

    message = _message(lambda: Pairwise(2.0)(jnp.ones(2), jnp.ones(3)))
    assert "n=2 (from argument 'x')" in message
    assert "m=3 (from argument 'y')" in message
    assert "got:      f32[2,1]" in message


# ---------------------------------------------------- every jaxtyping form


class Fixed(eqx.Module):
    x: Float[Array, "3 2"]


class Variadic(eqx.Module):
    x: Float[Array, "*batch n"]
    y: Float[Array, "*batch"]


class Ellipsis_(eqx.Module):
    x: Float[Array, "... n"]
    y: Float[Array, "n ..."]


class Broadcast(eqx.Module):
    x: Float[Array, "n"]
    y: Float[Array, "#n"]


class Anonymous(eqx.Module):
    x: Float[Array, "_ n"]
    y: Float[Array, "n _"]


class Scalar(eqx.Module):
    x: Float[Array, ""]


class Symbolic(eqx.Module):
    # Declared before the field that binds `n`: checked after it.
    padded: Float[Array, "n+1"]
    x: Float[Array, "n"]


def test_fixed_sizes() -> None:
    Fixed(jnp.ones((3, 2)))
    message = _message(lambda: Fixed(_any(jnp.ones((3, 4)))))
    assert "does not equal 2" in message


def test_named_variadic() -> None:
    Variadic(jnp.ones((2, 5, 3)), jnp.ones((2, 5)))
    Variadic(jnp.ones(3), jnp.ones(()))
    message = _message(lambda: Variadic(jnp.ones((2, 5, 3)), _any(jnp.ones((2, 4)))))
    assert "field 'y'" in message
    assert "*batch=(2, 5) (from field 'x')" in message
    assert "n=3 (from field 'x')" in message


def test_anonymous_ellipsis() -> None:
    Ellipsis_(jnp.ones((7, 8, 3)), jnp.ones((3, 1)))
    message = _message(lambda: Ellipsis_(jnp.ones((7, 3)), _any(jnp.ones((4, 1)))))
    assert "field 'y'" in message
    assert "n=3" in message


def test_broadcastable() -> None:
    Broadcast(jnp.ones(4), jnp.ones(4))
    Broadcast(jnp.ones(4), jnp.ones(1))
    message = _message(lambda: Broadcast(jnp.ones(4), _any(jnp.ones(3))))
    assert "field 'y'" in message


def test_anonymous_dimension() -> None:
    Anonymous(jnp.ones((9, 2)), jnp.ones((2, 5)))
    message = _message(lambda: Anonymous(jnp.ones((9, 2)), _any(jnp.ones((3, 5)))))
    assert "n=2 (from field 'x')" in message


def test_scalar() -> None:
    Scalar(jnp.array(1.0))
    message = _message(lambda: Scalar(_any(jnp.ones(1))))
    assert "got:      f32[1]" in message
    assert "1 dimensions, not the 0" in message


def test_symbolic_expression_checked_after_the_names_it_uses() -> None:
    Symbolic(jnp.ones(4), jnp.ones(3))
    message = _message(lambda: Symbolic(jnp.ones(3), jnp.ones(3)))
    assert "field 'padded'" in message
    assert "n=3 (from field 'x')" in message
    assert "n+1=4" in message


def test_symbolic_expression_with_unbound_name_names_the_field() -> None:
    class Unbound(eqx.Module):
        x: Float[Array, "k*2"]

    with pytest.raises(jaxtyping.AnnotationError, match=r"Unbound.*field 'x'"):
        Unbound(jnp.ones(2))


def test_unbound_symbolic_argument_names_the_method_and_argument() -> None:
    class Pad(eqx.Module):
        def pad(self, x: Float[Array, "k+1"]) -> Float[Array, "k+1"]:
            return x

    with pytest.raises(jaxtyping.AnnotationError, match=r"Pad\.pad.*argument 'x'"):
        Pad().pad(jnp.ones(2))


def test_symbolic_expression_may_read_fields_of_self() -> None:
    class Window(eqx.Module):
        size: int
        weights: Float[Array, "{self.size}"]

        def __call__(self, x: Float[Array, "{self.size}*2"]) -> Float[Array, ""]:
            return jnp.sum(x)

    window = Window(3, jnp.ones(3))
    assert window(jnp.ones(6)).shape == ()
    assert "field 'weights'" in _message(lambda: Window(3, jnp.ones(4)))
    assert "argument 'x'" in _message(lambda: window(jnp.ones(3)))


def test_other_dtype_families() -> None:
    class Mixed(eqx.Module):
        index: Int[Array, "n"]
        any_dtype: Shaped[Array, "n"]
        key: Key[Array, ""]

    Mixed(jnp.arange(3), jnp.zeros(3, bool), jax.random.key(0))
    message = _message(
        lambda: Mixed(_any(jnp.ones(3)), jnp.zeros(3), jax.random.key(0))
    )
    assert "field 'index'" in message
    assert "got:      f32[3]" in message


def test_optional_array_and_unions() -> None:
    class MaybeBias(eqx.Module):
        weight: Float[Array, "out in"]
        bias: Float[Array, "out"] | None

    MaybeBias(jnp.ones((2, 3)), None)
    MaybeBias(jnp.ones((2, 3)), jnp.ones(2))
    message = _message(lambda: MaybeBias(jnp.ones((2, 3)), _any(jnp.ones(3))))
    assert "expected: Float[Array, 'out'] | None" in message
    assert "out=2 (from field 'weight')" in message


def test_containers_of_arrays_share_the_memo() -> None:
    class Pair(eqx.Module):
        parts: tuple[Float[Array, "n"], Float[Array, "n"]]

    Pair((jnp.ones(2), jnp.ones(2)))
    message = _message(lambda: Pair((jnp.ones(2), jnp.ones(3))))
    assert "field 'parts'" in message


def test_pytree_annotation() -> None:
    class Tree(eqx.Module):
        leaves: PyTree[Float[Array, "n"]]

    Tree({"a": jnp.ones(2), "b": [jnp.ones(2)]})
    _message(lambda: Tree({"a": jnp.ones(2), "b": [jnp.ones(3)]}))


# ------------------------------------------------------- plain annotations


class Child(eqx.Module):
    size: int


class Plain(eqx.Module):
    count: int
    name: str
    rate: float
    activation: Callable[[Array], Array]
    child: Child
    children: list[Child]
    maybe: int | None = None
    anything: Any = None
    whatever: object = None


def _plain(**overrides: object) -> Plain:
    kwargs: dict[str, Any] = dict(
        count=1,
        name="a",
        rate=0.5,
        activation=jax.nn.relu,
        child=Child(1),
        children=[Child(2)],
    )
    kwargs.update(overrides)
    return Plain(**kwargs)


def test_plain_annotations_accept_good_values() -> None:
    _plain()
    _plain(rate=1)  # an int is a float (PEP 484 numeric tower, as mypy says)
    _plain(maybe=3, anything=object(), whatever="x")


@pytest.mark.parametrize(
    ("field", "value", "got"),
    [
        ("count", "1", "str '1'"),
        ("name", 3, "int 3"),
        ("rate", "x", "str 'x'"),
        ("activation", 3, "int 3"),
        ("child", 3, "int 3"),
        ("children", [3], "list of 1 item"),
        ("maybe", "3", "str '3'"),
    ],
)
def test_plain_annotations_reject_bad_values(
    field: str, value: object, got: str
) -> None:
    message = _message(lambda: _plain(**{field: value}))
    assert message.startswith(f"Plain: field '{field}' does not match")
    assert f"got:      {got}" in message


def test_module_annotation_message_shows_the_module() -> None:
    message = _message(lambda: _plain(child=Affine(jnp.ones((1, 1)), jnp.ones(1))))
    assert "expected: test_runtime_check.Child" in message
    assert "got:      a test_runtime_check.Affine" in message


def test_static_fields_are_checked_too() -> None:
    class WithStatic(eqx.Module):
        n: int = eqx.field(static=True)

    WithStatic(3)
    assert "field 'n'" in _message(lambda: WithStatic(_any("3")))


# ------------------------------------------ construction paths and ordering


def test_custom_init() -> None:
    class Custom(eqx.Module):
        weight: Float[Array, "out in"]
        bias: Float[Array, "out"]

        def __init__(self, n_in: int, n_out: int, bias_size: int) -> None:
            self.weight = jnp.zeros((n_out, n_in))
            self.bias = jnp.zeros(bias_size)

    Custom(3, 2, 2)
    message = _message(lambda: Custom(3, 2, 5))
    assert "Custom: field 'bias'" in message


def test_converter_output_is_checked() -> None:
    class Converted(eqx.Module):
        x: Float[Array, "n"] = eqx.field(converter=jnp.asarray)

    assert isinstance(Converted(_any([1.0, 2.0])).x, jax.Array)
    message = _message(lambda: Converted(_any([1, 2])))
    assert "got:      i32[2]" in message


def test_check_init_runs_after_field_checks() -> None:
    seen: list[tuple[int, ...]] = []

    class Checked(eqx.Module):
        x: Float[Array, "n"]

        def __check_init__(self) -> None:
            seen.append(self.x.shape)

    Checked(jnp.ones(2))
    _message(lambda: Checked(_any(jnp.ones(2, int))))
    assert seen == [(2,)]


def test_inheritance_shares_dimensions_with_parent_fields() -> None:
    class Base(eqx.Module):
        weight: Float[Array, "out in"]

    class Derived(Base):
        bias: Float[Array, "out"]

    Derived(jnp.ones((2, 3)), jnp.ones(2))
    message = _message(lambda: Derived(jnp.ones((2, 3)), _any(jnp.ones(3))))
    assert message.startswith("test_inheritance_shares_dimensions_with_parent_fields")
    assert ".Derived: field 'bias'" in message


def test_inherited_method_is_checked_for_subclass_instances() -> None:
    class Scaled(Affine):
        scale: float = 2.0

    layer = Scaled(jnp.ones((4, 3)), jnp.ones(4))
    assert "argument 'x'" in _message(lambda: layer(jnp.ones(5)))


def test_nested_modules_have_separate_memos() -> None:
    class Stack(eqx.Module):
        first: Affine
        second: Affine

        def __call__(self, x: Float[Array, "in"]) -> Float[Array, "out"]:
            return self.second(self.first(x))

    # `out`/`in` of the two sub-layers differ: each checks its own.
    stack = Stack(
        Affine(jnp.ones((4, 3)), jnp.ones(4)), Affine(jnp.ones((2, 4)), jnp.ones(2))
    )
    assert stack(jnp.ones(3)).shape == (2,)


# ------------------------------------------------------------------ methods


class Methods(eqx.Module):
    weight: Float[Array, "out in"]

    def project(self, x: Float[Array, "in"], *, times: int = 1) -> Float[Array, "out"]:
        return times * (self.weight @ x)

    def many(self, *xs: Float[Array, "in"], **named: Float[Array, "out"]) -> int:
        return len(xs) + len(named)

    def _private(self, x: Float[Array, "in"]) -> Float[Array, "in"]:
        return x

    def plain(self, x: Array) -> Array:
        return x

    def untyped(self, x):  # type: ignore[no-untyped-def]  # deliberately unannotated
        return x

    def returns_none(self) -> None:
        return None


def test_public_method_and_keyword_arguments() -> None:
    m = Methods(jnp.ones((4, 3)))
    assert m.project(jnp.ones(3), times=2).shape == (4,)
    assert "argument 'x'" in _message(lambda: m.project(x=jnp.ones(2)))
    assert "argument 'times'" in _message(
        lambda: m.project(jnp.ones(3), times=_any("2"))
    )


def test_variadic_arguments() -> None:
    m = Methods(jnp.ones((4, 3)))
    assert m.many(jnp.ones(3), jnp.ones(3), a=jnp.ones(4)) == 3
    assert "argument '*xs'[1]" in _message(
        lambda: m.many(jnp.ones(3), _any(jnp.ones(2)))
    )
    assert "argument 'b' (**named)" in _message(lambda: m.many(b=jnp.ones(3)))


def test_private_and_unconstrained_methods_are_not_wrapped() -> None:
    assert not hasattr(Methods._private, "__wrapped__")
    assert not hasattr(Methods.untyped, "__wrapped__")
    assert not hasattr(Methods.returns_none, "__wrapped__")
    assert hasattr(Methods.project, "__wrapped__")
    m = Methods(jnp.ones((4, 3)))
    assert m._private(jnp.ones(7)).shape == (7,)


def test_plainly_annotated_public_method_is_checked() -> None:
    assert hasattr(Methods.plain, "__wrapped__")
    m = Methods(jnp.ones((4, 3)))
    assert m.plain(jnp.ones(2)).shape == (2,)
    assert "argument 'x'" in _message(lambda: m.plain("not an array"))  # type: ignore[arg-type]  # the wrong type is the point


def test_bound_method_pytree_under_jit() -> None:
    m = Methods(jnp.ones((4, 3)))
    assert eqx.filter_jit(m.project)(jnp.ones(3)).shape == (4,)
    with pytest.raises(eqx.TypeCheckError):
        eqx.filter_jit(m.project)(jnp.ones(2))


# -------------------------------------------------- transformations (tracing)


class _CountingMeta(type):
    calls = 0

    def __instancecheck__(cls, instance: object) -> bool:
        _CountingMeta.calls += 1
        return isinstance(instance, jax.Array)


class Counted(metaclass=_CountingMeta):
    pass


class HoldsCounted(eqx.Module):
    x: Counted


def test_checks_run_at_trace_time_only() -> None:
    @jax.jit
    def make(x: Array) -> Array:
        HoldsCounted(cast(Counted, x))
        return x

    before = _CountingMeta.calls
    make(jnp.ones(2))
    traced = _CountingMeta.calls
    assert traced > before
    make(jnp.ones(2))
    make(jnp.zeros(2))
    assert _CountingMeta.calls == traced


def test_violation_inside_jit_raises_at_trace_time() -> None:
    @jax.jit
    def run(w: Array, b: Array, x: Array) -> Array:
        return Affine(w, b)(x)

    assert run(jnp.ones((4, 3)), jnp.ones(4), jnp.ones(3)).shape == (4,)
    assert "field 'bias'" in _message(
        lambda: run(jnp.ones((4, 3)), jnp.ones(5), jnp.ones(3))
    )
    assert "argument 'x'" in _message(
        lambda: run(jnp.ones((4, 3)), jnp.ones(4), jnp.ones(2))
    )


class AffineUnchecked(eqx.Module, typecheck=False):
    weight: Float[Array, "out in"]
    bias: Float[Array, "out"]

    def __call__(self, x: Float[Array, "in"]) -> Float[Array, "out"]:
        return self.weight @ x + self.bias


def test_compiled_program_identical_with_checks_on_and_off() -> None:
    def build_and_call(
        cls: type[Affine] | type[AffineUnchecked],
    ) -> Callable[..., Array]:
        def f(w: Array, b: Array, x: Array) -> Array:
            return cls(w, b)(x)

        return f

    args = (jnp.ones((4, 3)), jnp.ones(4), jnp.ones(3))
    on = jax.make_jaxpr(build_and_call(Affine))(*args)
    off = jax.make_jaxpr(build_and_call(AffineUnchecked))(*args)
    assert str(on) == str(off)
    lowered_on = jax.jit(build_and_call(Affine)).lower(*args).as_text()
    lowered_off = jax.jit(build_and_call(AffineUnchecked)).lower(*args).as_text()
    assert lowered_on == lowered_off


def test_vmap_checks_per_example_shapes() -> None:
    def make(w: Array, b: Array) -> Affine:
        return Affine(w, b)

    ensemble = jax.vmap(make)(jnp.ones((5, 4, 3)), jnp.ones((5, 4)))
    assert ensemble.weight.shape == (5, 4, 3)
    out = jax.vmap(lambda m, x: m(x))(ensemble, jnp.ones((5, 3)))
    assert out.shape == (5, 4)
    with pytest.raises(eqx.TypeCheckError):
        jax.vmap(make)(jnp.ones((5, 4, 3)), jnp.ones((5, 3)))
    with pytest.raises(eqx.TypeCheckError):
        jax.vmap(lambda m, x: m(x))(ensemble, jnp.ones((5, 2)))


def test_grad_through_checked_module() -> None:
    layer = Affine(jnp.ones((4, 3)), jnp.ones(4))
    grads = jax.grad(lambda m: jnp.sum(m(jnp.ones(3))))(layer)
    assert isinstance(grads, Affine)
    assert grads.weight.shape == (4, 3)


# ------------------------------------- rebuilding never runs the checks


def _layer() -> Affine:
    return Affine(jnp.ones((4, 3)), jnp.ones(4))


def test_tree_map_to_other_shapes_and_types() -> None:
    layer = _layer()
    stacked = jtu.tree_map(lambda x: x[None], layer)
    assert stacked.weight.shape == (1, 4, 3)
    as_strings = jtu.tree_map(lambda x: "leaf", layer)
    assert as_strings.bias == "leaf"


def test_tree_unflatten_with_arbitrary_leaves() -> None:
    leaves, treedef = jtu.tree_flatten(_layer())
    rebuilt = jtu.tree_unflatten(treedef, [object() for _ in leaves])
    assert isinstance(rebuilt, Affine)


def test_partition_and_combine_with_none_leaves() -> None:
    layer = _layer()
    params, rest = eqx.partition(layer, lambda x: x.ndim == 2)
    assert params.bias is None
    assert rest.weight is None
    assert eqx.combine(params, rest).weight.shape == (4, 3)


def test_vmapped_ensemble_with_leading_axis() -> None:
    keys = jnp.arange(3.0)

    def make(k: Array) -> Affine:
        return Affine(jnp.ones((4, 3)) * k, jnp.ones(4) * k)

    ensemble = eqx.filter_vmap(make)(keys)
    assert ensemble.weight.shape == (3, 4, 3)


def test_eval_shape_results() -> None:
    shapes = eqx.filter_eval_shape(_layer)
    assert isinstance(shapes.weight, jax.ShapeDtypeStruct)
    shapes_jax = jax.eval_shape(_layer)
    assert shapes_jax.bias.shape == (4,)


def test_filter_grad_result() -> None:
    grads = eqx.filter_grad(lambda m: jnp.sum(m(jnp.ones(3))))(_layer())
    assert isinstance(grads, Affine)


def test_tree_at_to_a_new_shape() -> None:
    replaced = eqx.tree_at(lambda m: m.bias, _layer(), jnp.ones(7))
    assert replaced.bias.shape == (7,)


# ------------------------------------------------------------------ control


class Loose(eqx.Module, typecheck=False):
    x: Float[Array, "n"]

    def f(self, y: Float[Array, "n"]) -> Float[Array, "n"]:
        return y


class LooseChild(Loose):
    z: int


class StrictAgain(Loose, typecheck=True):
    pass


def test_opt_out_class_and_subclasses() -> None:
    Loose(_any("not an array"))
    LooseChild(jnp.ones(2), _any("not an int"))
    assert Loose(jnp.ones(2)).f(jnp.ones(3)).shape == (3,)
    assert "field 'x'" in _message(lambda: StrictAgain(_any("not an array")))
    assert "argument 'y'" in _message(lambda: StrictAgain(jnp.ones(2)).f(jnp.ones(3)))


def test_opted_out_subclass_skips_inherited_method_checks() -> None:
    class LooseAffine(Affine, typecheck=False):
        pass

    layer = LooseAffine(jnp.ones((4, 3)), _any(jnp.ones(5)))
    with pytest.raises(TypeError, match=r"dot_general|incompatible|shapes"):
        layer(jnp.ones(2))  # jnp's own error, not ours
    with pytest.raises(Exception) as info:
        layer(jnp.ones(2))
    assert not isinstance(info.value, eqx.TypeCheckError)


def _run_python(code: str, typecheck: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, EQX_TYPECHECK=typecheck, JAX_PLATFORMS="cpu")
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


_BAD_CONSTRUCTION = """
    import jax.numpy as jnp
    from jaxtyping import Array, Float
    import equinox as eqx

    class M(eqx.Module):
        w: Float[Array, "n"]
        b: Float[Array, "n"]

        def __call__(self, x: Float[Array, "n"]) -> Float[Array, "n"]:
            return x

    m = M(jnp.ones(2), jnp.ones(3))
    print("constructed", m(jnp.ones(4)).shape)
"""


def test_environment_variable_turns_checks_off() -> None:
    off = _run_python(_BAD_CONSTRUCTION, "0")
    assert off.returncode == 0, off.stderr
    assert "constructed (4,)" in off.stdout
    on = _run_python(_BAD_CONSTRUCTION, "1")
    assert on.returncode != 0
    assert "TypeCheckError" in on.stderr and "field 'b'" in on.stderr


def test_environment_variable_rejects_unknown_values() -> None:
    # `equinox` loads lazily; the switch is read when Module first loads.
    result = _run_python("import equinox; equinox.Module", "maybe")
    assert result.returncode != 0
    assert "EQX_TYPECHECK: 'maybe' is not a type-check level" in result.stderr
