import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jaxtyping import Array, Float, PRNGKeyArray

import equinox as eqx
from equinox.nn import State, StateIndex


class Counter(eqx.Module):
    """Adds a running count to its input; the count lives in a State."""

    index: StateIndex[Float[Array, ""]]

    def __init__(self) -> None:
        self.index = StateIndex(jnp.array(0.0))

    def __call__(
        self, x: Float[Array, "n"], state: State, *, key: PRNGKeyArray | None = None
    ) -> tuple[Float[Array, "n"], State]:
        count = state.get(self.index) + 1
        return x + count, state.set(self.index, count)


def test_state_get_set_returns_new_state_and_leaves_old_alone() -> None:
    model = Counter()
    state = State(model)
    assert float(state.get(model.index)) == 0.0
    new = state.set(model.index, jnp.array(5.0))
    assert float(new.get(model.index)) == 5.0
    assert float(state.get(model.index)) == 0.0


def test_state_set_checks_shape_and_dtype() -> None:
    model = Counter()
    state = State(model)
    with pytest.raises(ValueError, match=r"shape.*float32\[\].*float32\[3\]"):
        state.set(model.index, jnp.zeros(3))
    with pytest.raises(ValueError, match=r"int32"):
        state.set(model.index, jnp.array(1, jnp.int32))


def test_state_rejects_foreign_index_and_non_index() -> None:
    state = State(Counter())
    with pytest.raises(KeyError, match="not part of this State"):
        state.get(Counter().index)
    with pytest.raises(
        TypeError, match=r"expected a StateIndex|argument 'index' does not match"
    ):
        state.get(jnp.zeros(()))  # type: ignore[arg-type]  # deliberately wrong


def test_state_index_requires_arrays() -> None:
    with pytest.raises(TypeError, match=r"pytree of arrays.*str"):
        StateIndex("hello")


def test_make_with_state_deletes_init_and_threads_state() -> None:
    model, state = eqx.nn.make_with_state(Counter)()
    assert model.index.init is None and model.index.init_deleted
    with pytest.raises(ValueError, match="delete_init_state"):
        State(model)
    x = jnp.zeros(2)
    y, state = model(x, state)
    y, state = model(x, state)
    np.testing.assert_allclose(y, [2.0, 2.0])
    assert float(state.get(model.index)) == 2.0


def test_delete_init_state_keeps_marker() -> None:
    model = Counter()
    stripped = eqx.nn.delete_init_state(model)
    assert stripped.index.marker == model.index.marker
    assert model.index.init is not None  # the original is untouched
    assert jax.tree_util.tree_leaves(stripped) == []


def test_state_through_jit_and_vmap() -> None:
    model, state = eqx.nn.make_with_state(Counter)()

    @jax.jit
    def step(x: Array, state: State) -> tuple[Array, State]:
        return model(x, state)

    y, state = step(jnp.zeros(3), state)
    y, state = step(jnp.zeros(3), state)
    assert isinstance(state, State)
    assert float(state.get(model.index)) == 2.0
    np.testing.assert_allclose(y, 2.0)
    # Shared (unbatched) state under vmap.
    ys, state = jax.vmap(model, in_axes=(0, None), out_axes=(0, None))(
        jnp.zeros((4, 3)), state
    )
    np.testing.assert_allclose(ys, 3.0)
    assert float(state.get(model.index)) == 3.0


def test_substate_and_update() -> None:
    a, b = Counter(), Counter()
    state = State((a, b))
    sub = state.substate(b)
    assert list(sub.values) == [b.index.marker]
    sub = sub.set(b.index, jnp.array(7.0))
    merged = state.update(sub)
    assert float(merged.get(b.index)) == 7.0
    assert float(merged.get(a.index)) == 0.0
    with pytest.raises(KeyError, match="not part of this State"):
        State(a).update(sub)
