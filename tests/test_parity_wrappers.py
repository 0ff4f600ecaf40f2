"""The filtered transformations return `eqx.Module`s, as Equinox 0.13.8 does.

Every expected value here was measured black-box against Equinox 0.13.8 (on
the same JAX) and is written as data: the wrapper's class name, its pytree
leaves, equality, hashing, repr, method binding, pickling, and when a wrapper
rebuilt from its leaves (or a new wrapper of the same function) retraces.
"""

import copy
import functools
import pickle
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import pytest

import equinox as eqx


def f(x: Any) -> Any:
    """doc of f"""
    return x + 1


class _Scale(eqx.Module):
    w: jax.Array

    def __call__(self, x: Any) -> Any:
        return self.w * x


_Transform = Callable[[Callable[..., Any]], Callable[..., Any]]

# name, transformation, class name, leaf types of the wrapper of `f`, leaf
# types of the wrapper of a `_Scale`, hashable (two wrappers of `f` hash
# equal) or `TypeError`.
_CASES: list[tuple[str, _Transform, str, list[str], list[str], bool]] = [
    ("jit", eqx.filter_jit, "_JitWrapper", ["str"], ["str", "ArrayImpl"], True),
    (
        "vmap",
        eqx.filter_vmap,
        "_VmapWrapper",
        ["function", "if_array", "if_array"],
        ["ArrayImpl", "if_array", "if_array"],
        False,
    ),
    (
        "pmap",
        eqx.filter_pmap,
        "_PmapWrapper",
        ["function", "if_array", "if_array", "bool"],
        ["ArrayImpl", "if_array", "if_array", "bool"],
        False,
    ),
    (
        "grad",
        eqx.filter_grad,
        "_GradWrapper",
        ["function", "bool", "bool"],
        ["ArrayImpl", "bool", "bool"],
        False,
    ),
    (
        "value_and_grad",
        eqx.filter_value_and_grad,
        "_ValueAndGradWrapper",
        ["function", "bool"],
        ["ArrayImpl", "bool"],
        False,
    ),
    (
        "checkpoint",
        eqx.filter_checkpoint,
        "_CheckpointWrapper",
        ["function", "bool"],
        ["ArrayImpl", "bool"],
        True,
    ),
]
_IDS = [case[0] for case in _CASES]

# `repr` of each wrapper of `f`.
_REPRS: dict[str, str] = {
    "jit": (
        "_JitWrapper(fn='f', filter_warning=False, donate_first=False, "
        "donate_rest=False)"
    ),
    "vmap": (
        "_VmapWrapper(\n  _fun=<function f>,\n  _in_axes=if_array(axis=0),\n"
        "  _out_axes=if_array(axis=0),\n  _axis_name=None,\n  _axis_size=None,\n"
        "  _vmapkwargs={}\n)"
    ),
    "pmap": (
        "_PmapWrapper(\n  _fun=<function f>,\n  _in_axes=if_array(axis=0),\n"
        "  _out_axes=if_array(axis=0),\n  _axis_name=None,\n  _axis_size=None,\n"
        "  _filter_warning=False,\n  _pmapkwargs={}\n)"
    ),
    "grad": (
        "_GradWrapper(\n  _fun_value_and_grad=_ValueAndGradWrapper(\n"
        "    _fun=<function f>, _has_aux=False, _gradkwargs={}\n  ),\n"
        "  _has_aux=False\n)"
    ),
    "value_and_grad": (
        "_ValueAndGradWrapper(_fun=<function f>, _has_aux=False, _gradkwargs={})"
    ),
    "checkpoint": (
        "_CheckpointWrapper(_fun=<function f>, _prevent_cse=True, _policy=None)"
    ),
}


def _types(tree: Any) -> list[str]:
    return [type(leaf).__name__ for leaf in jtu.tree_leaves(tree)]


@pytest.mark.parametrize("case", _CASES, ids=_IDS)
def test_wrapper_is_a_module_with_equinox_leaves(
    case: tuple[str, _Transform, str, list[str], list[str], bool],
) -> None:
    name, transform, cls_name, fun_leaves, model_leaves, _ = case
    wrapper = transform(f)
    assert isinstance(wrapper, eqx.Module)
    assert type(wrapper).__name__ == cls_name
    assert _types(wrapper) == fun_leaves
    model = _Scale(jnp.arange(3.0))
    assert _types(transform(model)) == model_leaves
    assert repr(wrapper) == _REPRS[name]


@pytest.mark.parametrize("case", _CASES, ids=_IDS)
def test_wrapper_equality_and_hash(
    case: tuple[str, _Transform, str, list[str], list[str], bool],
) -> None:
    _, transform, _, _, _, hashable = case
    assert transform(f) == transform(f)
    model = _Scale(jnp.arange(3.0))
    assert transform(model) == transform(model)
    if hashable:
        assert hash(transform(f)) == hash(transform(f))
    else:
        with pytest.raises(TypeError):
            hash(transform(f))
    # Any wrapper holding arrays is unhashable, as every such Module.
    with pytest.raises(TypeError):
        hash(transform(model))


def test_wrapper_equality_sees_the_options() -> None:
    assert eqx.filter_jit(f) != eqx.filter_jit(f, donate="all")
    assert eqx.filter_jit(f, inline=True) == eqx.filter_jit(f, inline=True)
    assert eqx.filter_jit(f, inline=True) != eqx.filter_jit(f)
    assert eqx.filter_vmap(f, in_axes=0) != eqx.filter_vmap(f, in_axes=1)


@pytest.mark.parametrize(
    ("donate", "expected"),
    [
        ("all", "filter_warning=True, donate_first=True, donate_rest=True"),
        (
            "all-except-first",
            "filter_warning=True, donate_first=False, donate_rest=True",
        ),
        ("warn", "filter_warning=False, donate_first=True, donate_rest=True"),
        (
            "warn-except-first",
            "filter_warning=False, donate_first=False, donate_rest=True",
        ),
        ("none", "filter_warning=False, donate_first=False, donate_rest=False"),
    ],
)
def test_jit_repr_shows_donation(donate: Any, expected: str) -> None:
    assert repr(eqx.filter_jit(f, donate=donate)) == f"_JitWrapper(fn='f', {expected})"


def test_jit_fn_field_names_the_function() -> None:
    model = _Scale(jnp.ones(2))
    names = [
        eqx.filter_jit(functools.partial(f)).fn,  # type: ignore[attr-defined]  # a field of the run-time Module
        eqx.filter_jit(lambda x: x).fn,  # type: ignore[attr-defined]  # as above
        eqx.filter_jit(abs).fn,  # type: ignore[attr-defined]  # as above
        eqx.filter_jit(eqx.Partial(f)).fn,  # type: ignore[attr-defined]  # as above
        eqx.filter_jit(model).fn,  # type: ignore[attr-defined]  # as above
        eqx.filter_jit(jnp.sin).fn,  # type: ignore[attr-defined]  # as above
    ]
    lambda_name = "test_jit_fn_field_names_the_function.<locals>.<lambda>"
    assert names == ["f", lambda_name, "abs", "Partial", "_Scale", "sin"]


@pytest.mark.parametrize("case", _CASES, ids=_IDS)
def test_wrapper_attributes_and_functools_wraps(
    case: tuple[str, _Transform, str, list[str], list[str], bool],
) -> None:
    _, transform, _, _, _, _ = case
    wrapper = transform(f)
    assert wrapper.__wrapped__ is f  # type: ignore[attr-defined]  # set as functools.wraps does
    assert (wrapper.__name__, wrapper.__qualname__) == ("f", "f")
    assert (wrapper.__doc__, wrapper.__module__) == ("doc of f", __name__)
    assert wrapper.__annotations__ == f.__annotations__

    @functools.wraps(wrapper)
    def outer(x: Any) -> Any:
        return wrapper(x)

    assert outer.__wrapped__ is wrapper
    assert (outer.__name__, outer.__doc__) == ("f", "doc of f")
    # A wrapped Module has no `__name__`, so the wrapper has none either.
    assert not hasattr(transform(_Scale(jnp.ones(2))), "__name__")


@pytest.mark.parametrize("case", _CASES, ids=_IDS)
def test_filter_and_tree_at_reach_the_wrapped_arrays(
    case: tuple[str, _Transform, str, list[str], list[str], bool],
) -> None:
    _, transform, cls_name, _, model_leaves, _ = case
    wrapper = transform(_Scale(jnp.arange(3.0)))
    arrays = eqx.filter(wrapper, eqx.is_array)
    assert type(arrays).__name__ == cls_name
    assert _types(arrays) == ["ArrayImpl"]
    index = model_leaves.index("ArrayImpl")
    replaced = eqx.tree_at(lambda w: jtu.tree_leaves(w)[index], wrapper, jnp.ones(3))
    assert type(replaced).__name__ == cls_name
    assert replaced != wrapper
    assert replaced.__wrapped__ == _Scale(jnp.ones(3))  # type: ignore[attr-defined]  # the updated model


def test_jit_wrapper_calls_with_its_own_arrays() -> None:
    wrapper = eqx.filter_jit(_Scale(jnp.arange(3.0)))
    replaced = eqx.tree_at(
        lambda w: w.__wrapped__.w,  # type: ignore[attr-defined]  # the run-time Module's property
        wrapper,
        jnp.full(3, 2.0),
    )
    assert replaced(1.0).tolist() == [2.0, 2.0, 2.0]
    assert wrapper(1.0).tolist() == [0.0, 1.0, 2.0]
    # Gradients with respect to a wrapper: its name leaf gets None.
    grads = eqx.filter_grad(lambda w, x: jnp.sum(w(x)))(wrapper, 2.0)
    assert type(grads).__name__ == "_JitWrapper"
    assert grads.fn is None
    assert grads.__wrapped__.w.tolist() == [2.0, 2.0, 2.0]


def test_lower_is_a_bound_method() -> None:
    wrapper = eqx.filter_jit(f)
    assert type(wrapper.lower).__name__ == "BoundMethod"
    assert wrapper.lower(jnp.ones(2)).compile()(jnp.ones(2)).tolist() == [2.0, 2.0]


class _WithMethods(eqx.Module):
    w: jax.Array

    @eqx.filter_jit
    def jitted(self, x: Any) -> Any:
        return self.w + x

    @eqx.filter_vmap
    def mapped(self, x: Any) -> Any:
        return self.w + x

    @eqx.filter_grad
    def grad(self, x: Any) -> Any:
        return jnp.sum(self.w * x)


@pytest.mark.parametrize(
    ("name", "cls_name", "leaves"),
    [
        ("jitted", "_JitWrapper", ["str", "ArrayImpl"]),
        ("mapped", "_VmapWrapper", ["function", "if_array", "if_array", "ArrayImpl"]),
        ("grad", "_GradWrapper", ["function", "bool", "bool", "ArrayImpl"]),
    ],
)
def test_decorated_method_binds_as_partial(
    name: str, cls_name: str, leaves: list[str]
) -> None:
    module = _WithMethods(jnp.arange(3.0))
    assert type(getattr(_WithMethods, name)).__name__ == cls_name
    bound = getattr(module, name)
    assert type(bound) is eqx.Partial
    assert type(bound.func).__name__ == cls_name
    assert bound.args == (module,)
    assert _types(bound) == leaves
    assert getattr(module, name) == getattr(module, name)
    for attribute in ("__wrapped__", "__name__", "__self__"):
        assert not hasattr(bound, attribute)
    assert module.jitted(1.0).tolist() == [1.0, 2.0, 3.0]
    assert module.mapped(jnp.ones(3)).tolist() == [1.0, 2.0, 3.0]


def test_decorated_method_of_a_plain_class() -> None:
    class Plain:
        def __init__(self) -> None:
            self.a = 2.0

        @eqx.filter_jit
        def jitted(self, x: Any) -> Any:
            return self.a * x

        @eqx.filter_vmap
        def mapped(self, x: Any) -> Any:
            return x * 2

    plain = Plain()
    assert type(plain.jitted) is eqx.Partial
    assert float(plain.jitted(3.0)) == 6.0
    assert type(plain.mapped) is eqx.Partial
    assert plain.mapped(jnp.ones(2)).tolist() == [2.0, 2.0]


def test_jit_retraces_as_equinox() -> None:
    traces: list[int] = []

    def traced(x: Any) -> Any:
        traces.append(1)
        return x * 2

    wrapper = eqx.filter_jit(traced)
    wrapper(jnp.ones(2))
    wrapper(jnp.ones(2))
    assert len(traces) == 1
    leaves, treedef = jtu.tree_flatten(wrapper)
    jtu.tree_unflatten(treedef, leaves)(jnp.ones(2))
    assert len(traces) == 1  # rebuilt from its leaves: no retrace
    eqx.filter_jit(traced)(jnp.ones(2))
    assert len(traces) == 1  # a new wrapper of the same function: no retrace

    @eqx.filter_jit
    def outer(g: Callable[[Any], Any], x: Any) -> Any:
        traces.append(100)
        return g(x)

    outer(wrapper, jnp.ones(2))
    outer(wrapper, jnp.ones(2))
    outer(eqx.filter_jit(traced), jnp.ones(2))
    assert sum(traces) == 1 + 100  # an equal inner wrapper: no retrace


def test_jit_of_a_model_retraces_as_equinox() -> None:
    traces: list[int] = []

    class Counted(eqx.Module):
        w: jax.Array

        def __call__(self, x: Any) -> Any:
            traces.append(1)
            return self.w * x

    wrapper = eqx.filter_jit(Counted(jnp.ones(2)))
    wrapper(1.0)
    wrapper(1.0)
    moved = jtu.tree_map(lambda x: x + 1 if eqx.is_array(x) else x, wrapper)
    assert moved(1.0).tolist() == [2.0, 2.0]
    assert len(traces) == 1  # new arrays of the same shape: no retrace

    @eqx.filter_jit
    def outer(g: Callable[[Any], Any], x: Any) -> Any:
        traces.append(100)
        return g(x)

    outer(wrapper, jnp.ones(2))
    outer(eqx.filter_jit(Counted(jnp.zeros(2))), jnp.ones(2))
    assert sum(traces) == 1 + 100 + 1


@pytest.mark.parametrize("case", _CASES[1:], ids=_IDS[1:])
def test_pickling_works_except_for_jit(
    case: tuple[str, _Transform, str, list[str], list[str], bool],
) -> None:
    _, transform, cls_name, _, _, _ = case
    wrapper = transform(f)
    copy = pickle.loads(pickle.dumps(wrapper))
    assert type(copy).__name__ == cls_name
    assert copy == wrapper


def test_pickling_a_jit_wrapper_fails_as_in_equinox() -> None:
    with pytest.raises(pickle.PicklingError):
        pickle.dumps(eqx.filter_jit(f))


@pytest.mark.parametrize(
    ("transform", "expected"),
    [
        (eqx.filter_jacfwd, "_Jac(fun=<function f>, has_aux=False, rev=False)"),
        (eqx.filter_jacrev, "_Jac(fun=<function f>, has_aux=False, rev=True)"),
        (
            eqx.filter_hessian,
            "_Jac(\n  fun=_Jac(fun=<function f>, has_aux=False, rev=True), "
            "has_aux=False, rev=False\n)",
        ),
    ],
)
def test_jacobians_are_modules(transform: Any, expected: str) -> None:
    wrapper = transform(f)
    assert isinstance(wrapper, eqx.Module)
    assert repr(wrapper) == expected
    assert transform(f) == transform(f)
    assert hash(transform(f)) == hash(transform(f))
    # As Equinox's: no `functools.wraps` attributes.
    assert not hasattr(wrapper, "__wrapped__")
    assert not hasattr(wrapper, "__name__")


def test_jacobian_method_is_not_bound() -> None:
    def jac_of(x: Any) -> Any:
        return x * 2.0

    class WithJac(eqx.Module):
        jac = eqx.filter_jacfwd(jac_of)

    # (Static checkers bind the callable attribute; at run time it is not.)
    instance: Any = WithJac()
    assert type(instance.jac).__name__ == "_Jac"
    assert instance.jac(jnp.ones(2)).tolist() == [[2.0, 0.0], [0.0, 2.0]]


def test_vjp_fn_is_a_pytree_of_residuals() -> None:
    def fun(x: Any, n: int) -> Any:
        return {"a": x * 2.0, "n": n, "i": jnp.arange(2)}

    x = jnp.ones(2)
    _, vjp_fn = eqx.filter_vjp(fun, x, 3)
    assert _types(vjp_fn) == ["ArrayImpl"]
    cotangent = {"a": jnp.full(2, 3.0), "n": None, "i": None}
    cotangents: tuple[Any, ...] = vjp_fn(cotangent)
    assert cotangents[0].tolist() == [6.0, 6.0]
    assert cotangents[1] is None

    @eqx.filter_jit
    def make(x: Any) -> Any:
        return eqx.filter_vjp(fun, x, 3)

    _, jitted_vjp = make(x)
    assert jitted_vjp(cotangent)[0].tolist() == [6.0, 6.0]
    through = eqx.filter_jit(lambda v, c: v(c))(jitted_vjp, cotangent)
    assert through[0].tolist() == [6.0, 6.0]


@pytest.mark.parametrize(
    "make",
    [
        lambda: eqx.filter_jit(donate="all"),
        lambda: eqx.filter_vmap(in_axes=0),
        lambda: eqx.filter_pmap(in_axes=0),
        lambda: eqx.filter_grad(has_aux=True),
        lambda: eqx.filter_value_and_grad(has_aux=True),
        lambda: eqx.filter_checkpoint(prevent_cse=False),
    ],
)
def test_decorator_factories_are_partials(make: Callable[[], Any]) -> None:
    decorator = make()
    assert type(decorator) is functools.partial
    assert isinstance(decorator(f), eqx.Module)


@pytest.mark.parametrize("case", _CASES, ids=_IDS)
def test_copies_are_equal(
    case: tuple[str, _Transform, str, list[str], list[str], bool],
) -> None:
    _, transform, _, _, _, _ = case
    for fun in (f, _Scale(jnp.arange(3.0))):
        wrapper = transform(fun)
        assert copy.copy(wrapper) == wrapper
        assert type(copy.deepcopy(wrapper)) is type(wrapper)


def test_deep_copied_jit_wrapper_works_documented_difference() -> None:
    # docs/differences.md: Equinox's deep copy compares unequal and raises
    # TypeError when called; ours shares the compiled cache.
    wrapper = eqx.filter_jit(_Scale(jnp.arange(3.0)))
    copied = copy.deepcopy(wrapper)
    assert copied == wrapper
    assert copied(1.0).tolist() == [0.0, 1.0, 2.0]
