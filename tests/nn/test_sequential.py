import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jaxtyping import Array, Float, PRNGKeyArray

import equinox as eqx
from equinox.nn import BatchNorm, Sequential, State

KEY = jax.random.key(0)


class AddNoise(eqx.Module):
    """Adds standard normal noise drawn from its key (zero without one)."""

    def __call__(
        self, x: Float[Array, "n"], *, key: PRNGKeyArray | None = None
    ) -> Float[Array, "n"]:
        return x if key is None else x + jax.random.normal(key, x.shape)


def test_indexing_slicing_len_iteration() -> None:
    a, b, c = eqx.nn.Lambda(jnp.sin), eqx.nn.Lambda(jnp.cos), eqx.nn.Lambda(jnp.exp)
    seq = Sequential([a, b, c])
    assert len(seq) == 3 and list(seq) == [a, b, c]
    assert seq[0] is a and seq[-1] is c
    tail = seq[1:]
    assert isinstance(tail, Sequential) and tail.layers == (b, c)
    x = jnp.array([0.3, 1.2])
    np.testing.assert_allclose(seq(x), jnp.exp(jnp.cos(jnp.sin(x))), rtol=1e-6)
    np.testing.assert_allclose(tail(x), jnp.exp(jnp.cos(x)), rtol=1e-6)
    with pytest.raises(IndexError, match="out of range for 3 layers"):
        seq[3]
    with pytest.raises(TypeError, match="must be callable"):
        Sequential([a, 3])  # type: ignore[list-item]  # deliberately wrong


def test_key_is_split_and_given_only_to_layers_that_take_one() -> None:
    # jax.nn.relu takes no `key`; the AddNoise layers each get their own key.
    seq = Sequential([AddNoise(), jax.nn.relu, AddNoise()])
    x = jnp.linspace(-1.0, 1.0, 5)
    k0, _, k2 = jax.random.split(KEY, 3)
    expected = jax.nn.relu(x + jax.random.normal(k0, (5,))) + jax.random.normal(
        k2, (5,)
    )
    np.testing.assert_allclose(seq(x, key=KEY), expected, rtol=1e-6)
    np.testing.assert_allclose(seq(x), jax.nn.relu(x))  # no key: no noise


def test_state_is_threaded_through_stateful_layers() -> None:
    k1, k2 = jax.random.split(KEY)
    make = eqx.nn.make_with_state(Sequential)
    model, state = make(
        [
            eqx.nn.Linear(2, 3, key=k1),
            BatchNorm(3, "batch", mode="ema"),
            jax.nn.relu,
            Sequential(
                [eqx.nn.Linear(3, 3, key=k2), BatchNorm(3, "batch", mode="ema")]
            ),
        ]
    )
    assert model.is_stateful() and not Sequential([jax.nn.relu]).is_stateful()
    xs = jax.random.normal(KEY, (6, 2))

    @eqx.filter_jit
    def run(model: Sequential, state: State) -> tuple[Array, State]:
        out: tuple[Array, State] = jax.vmap(
            model, axis_name="batch", in_axes=(0, None), out_axes=(0, None)
        )(xs, state)
        return out

    ys, new_state = run(model, state)
    # The last layer is a BatchNorm: its outputs are normalised over the batch.
    np.testing.assert_allclose(ys.mean(axis=0), 0, atol=1e-5)
    first, inner = model[1], model[3]
    assert isinstance(first, BatchNorm) and isinstance(inner, Sequential)
    second = inner[1]
    assert isinstance(second, BatchNorm)
    for bn in (first, second):
        assert bn.ema_first_time_index is not None
        assert not bool(new_state.get(bn.ema_first_time_index))
    # The first BatchNorm saw the first Linear's outputs.
    linear = model[0]
    assert isinstance(linear, eqx.nn.Linear)
    hidden = jax.vmap(linear)(xs)
    assert first.ema_state_index is not None
    np.testing.assert_allclose(
        new_state.get(first.ema_state_index)[0],
        hidden.mean(axis=0),
        rtol=1e-5,
        atol=1e-6,
    )


def test_stateful_layer_without_state_is_an_error() -> None:
    model, _ = eqx.nn.make_with_state(Sequential)([BatchNorm(3, "b", mode="batch")])
    with pytest.raises(ValueError, match=r"layer 0 \(BatchNorm\) is stateful"):
        model(jnp.zeros(3))


class _Counter(eqx.nn.StatefulLayer):
    """Adds its call count to the input; the count lives in the State."""

    index: eqx.nn.StateIndex[Array]
    stateful: bool = eqx.field(static=True, default=True)

    def __init__(self, stateful: bool = True) -> None:
        self.index = eqx.nn.StateIndex(jnp.zeros((), jnp.int32))
        self.stateful = stateful

    def is_stateful(self) -> bool:
        return self.stateful

    def __call__(
        self, x: Array, state: State, *, key: PRNGKeyArray | None = None
    ) -> tuple[Array, State]:
        count = state.get(self.index) + 1
        return x + count, state.set(self.index, count)


def test_custom_stateful_layer_gets_the_state_in_sequential() -> None:
    model, state = eqx.nn.make_with_state(Sequential)([_Counter(), _Counter()])
    out, state = model(jnp.zeros(()), state)
    assert float(out) == 2.0
    out, state = model(jnp.zeros(()), state)
    assert float(out) == 4.0  # each counter is now at 2


def test_is_stateful_false_means_no_state_is_passed() -> None:
    class Plain(eqx.nn.StatefulLayer):
        def is_stateful(self) -> bool:
            return False

        def __call__(  # type: ignore[override]  # a stateless layer's signature
            self, x: Array, *, key: PRNGKeyArray | None = None
        ) -> Array:
            return x * 2

    out = Sequential([Plain()])(jnp.ones(()))
    assert float(out) == 2.0
