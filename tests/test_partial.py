import functools
from collections.abc import Callable

import jax
import jax.numpy as jnp
import pytest

import equinox as eqx


def scale(factor: jax.Array, x: jax.Array, *, offset: float = 0.0) -> jax.Array:
    return factor * x + offset


def test_partial_binds_positional_and_keyword_arguments() -> None:
    p = eqx.Partial(scale, jnp.array(2.0), offset=1.0)
    assert float(p(jnp.array(3.0))) == 7.0
    assert float(p(jnp.array(3.0), offset=0.5)) == 6.5  # call-time keywords win


def test_partial_is_a_pytree_whose_arrays_are_traced() -> None:
    p = eqx.Partial(scale, jnp.array(2.0))
    assert jax.tree_util.tree_leaves(p)[1].shape == ()

    # The function is a (non-array) leaf too, so this takes the filtered
    # transformations, which hold it static.
    @eqx.filter_jit
    def apply(q: eqx.Partial[jax.Array], x: jax.Array) -> jax.Array:
        return q(x)

    assert float(apply(p, jnp.array(4.0))) == 8.0
    grad = eqx.filter_grad(lambda q: apply(q, jnp.array(4.0)))(p)
    assert float(grad.args[0]) == 4.0


def test_partial_rejects_a_non_callable() -> None:
    with pytest.raises(TypeError, match=r"Partial: `func` must be callable, got 3"):
        eqx.Partial(3)  # type: ignore[arg-type]  # the mistake under test


class Wrapper(eqx.Module):
    fn: Callable[[int], int]

    @property
    def __wrapped__(self) -> Callable[[int], int]:
        return self.fn

    def __call__(self, x: int) -> int:
        return self.fn(x)


def double(x: int) -> int:
    """Doubles x."""
    return 2 * x


def test_module_update_wrapper_copies_metadata() -> None:
    wrapped = eqx.module_update_wrapper(Wrapper(double))
    assert getattr(wrapped, "__name__") == "double"  # noqa: B009  # set on the instance
    assert wrapped.__doc__ == "Doubles x."
    assert wrapped(4) == 8
    assert functools.WRAPPER_ASSIGNMENTS  # the attributes it copies


class NoWrapped(eqx.Module):
    x: int


def test_module_update_wrapper_needs_wrapped() -> None:
    # ValueError, as in Equinox 0.13.8 (also when `wrapped` is given).
    with pytest.raises(ValueError, match=r"NoWrapped must define a `__wrapped__`"):
        eqx.module_update_wrapper(NoWrapped(1))
    with pytest.raises(ValueError, match=r"NoWrapped must define a `__wrapped__`"):
        eqx.module_update_wrapper(NoWrapped(1), double)


def test_module_update_wrapper_returns_a_copy() -> None:
    original = Wrapper(double)
    wrapped = eqx.module_update_wrapper(original)
    assert wrapped is not original
    assert not hasattr(original, "__name__")
    assert wrapped.__module__ == __name__
    assert getattr(wrapped, "__qualname__") == "double"  # noqa: B009  # set on the instance
    assert wrapped.__annotations__ == {"x": int, "return": int}


def test_module_update_wrapper_explicit_wrapped() -> None:
    wrapped = eqx.module_update_wrapper(Wrapper(double), len)
    assert getattr(wrapped, "__name__") == "len"  # noqa: B009  # set on the instance


def test_module_update_wrapper_attributes_survive_tree_map() -> None:
    wrapped = eqx.module_update_wrapper(Wrapper(double))
    rebuilt = jax.tree_util.tree_map(lambda leaf: leaf, wrapped)
    assert getattr(rebuilt, "__name__") == "double"  # noqa: B009  # set on the instance
    assert rebuilt.__doc__ == "Doubles x."
    # The attributes are part of the structure (as in Equinox).
    assert jax.tree_util.tree_leaves(wrapped) == [double]
    assert wrapped != Wrapper(double)
    assert wrapped == eqx.module_update_wrapper(Wrapper(double))
