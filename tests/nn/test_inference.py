import jax
import jax.numpy as jnp
import pytest

import equinox as eqx

KEY = jax.random.key(0)


def _flags(model: object) -> list[bool]:
    found: list[bool] = []

    def visit(node: object) -> bool:
        if isinstance(node, eqx.Module) and hasattr(node, "inference"):
            found.append(getattr(node, "inference"))  # noqa: B009
        return False

    jax.tree_util.tree_leaves(model, is_leaf=visit)
    return found


def test_flips_every_inference_field_including_nested() -> None:
    k1, k2, k3 = jax.random.split(KEY, 3)
    model = eqx.nn.Sequential(
        [
            eqx.nn.Linear(4, 4, key=k1),
            eqx.nn.Dropout(0.2),
            eqx.nn.BatchNorm(4, "batch", mode="batch"),
            eqx.nn.SpectralNorm(eqx.nn.Linear(4, 4, key=k2), key=k3),
            eqx.nn.Lambda(
                eqx.nn.Sequential([eqx.nn.Dropout(0.3), eqx.nn.Dropout(0.1)])
            ),
        ]
    )
    mha = eqx.nn.MultiheadAttention(2, 4, dropout_p=0.1, key=KEY)
    both = (model, mha)
    assert _flags(both) == [False] * 6
    on = eqx.nn.inference_mode(both)
    assert _flags(on) == [True] * 6
    assert on[1].dropout.inference
    off = eqx.nn.inference_mode(on, value=False)
    assert _flags(off) == [False] * 6
    # Everything else is untouched.
    assert eqx.tree_equal(eqx.filter(off, eqx.is_array), eqx.filter(both, eqx.is_array))


def test_model_without_flags_and_bad_value() -> None:
    linear = eqx.nn.Linear(2, 2, key=KEY)
    assert eqx.tree_equal(eqx.nn.inference_mode(linear), linear)
    with pytest.raises(TypeError, match="inference_mode: `value` must be a bool"):
        eqx.nn.inference_mode(linear, value=1)  # type: ignore[arg-type]  # deliberately wrong


class StaticFlag(eqx.Module):
    inference: bool = eqx.field(static=True, default=False)


def test_static_inference_field_is_a_clear_error() -> None:
    with pytest.raises(TypeError, match=r"StaticFlag.inference is a static field"):
        eqx.nn.inference_mode([StaticFlag()])


def test_inference_mode_makes_dropout_deterministic_under_jit() -> None:
    model = eqx.nn.Sequential([eqx.nn.Dropout(0.5), eqx.nn.Lambda(jnp.sum)])
    x = jnp.ones(100)
    run = eqx.filter_jit(lambda m, x: m(x, key=KEY))
    assert float(run(eqx.nn.inference_mode(model), x)) == 100.0
    assert float(run(model, x)) != 100.0
