# pyright: strict
"""Types of every public name of `eqx.nn`: what each constructor builds and
what each layer's `__call__` returns, as declared.

Return types are written as the layers declare them (`Float[Array, "out"]`,
`Real[Array, ...]`, ...). Under both type checkers a jaxtyping annotation is
`Annotated[Array, ...]`, so `assert_type` compares the `Array` (and the
surrounding tuples and unions) only: the dtype and shape parts are
documentation here, and checked by the mypy shape plugin elsewhere
(`pass/shapes_*.py`, `fail/shapes_*.py`).
"""

import math
from collections.abc import Callable
from typing import Any, assert_type

import jax
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float, PRNGKeyArray, Real, Shaped

import equinox as eqx

key = jax.random.key(0)
keys = jax.random.split(key, 32)

vector: Float[Array, "3"] = jnp.ones(3)
scalar: Float[Array, ""] = jnp.array(1.0)
signal: Float[Array, "2 16"] = jnp.ones((2, 16))
image: Float[Array, "2 8 8"] = jnp.ones((2, 8, 8))
volume: Float[Array, "2 4 4 4"] = jnp.ones((2, 4, 4, 4))
sequence: Float[Array, "5 8"] = jnp.ones((5, 8))

# ------------------------------------------------------------------- Linear
linear = eqx.nn.Linear(3, 4, key=keys[0])
assert_type(linear, eqx.nn.Linear)
assert_type(linear(vector), Float[Array, "out_features"] | Float[Array, ""])
assert_type(
    linear(vector, key=keys[1]), Float[Array, "out_features"] | Float[Array, ""]
)
scalar_linear = eqx.nn.Linear("scalar", "scalar", use_bias=False, key=keys[2])
assert_type(scalar_linear, eqx.nn.Linear)
# "scalar" in and out: the same declared union, whichever sizes were given.
assert_type(scalar_linear(scalar), Float[Array, "out_features"] | Float[Array, ""])
assert_type(linear.weight, Float[Array, "out_features in_features"])
assert_type(linear.bias, Float[Array, "out_features"] | None)

# ----------------------------------------------------------------- Identity
identity = eqx.nn.Identity(3, 4, key=keys[0])  # any arguments, all ignored
assert_type(identity, eqx.nn.Identity)
assert_type(identity(vector), Array)  # generic: the input's own type
assert_type(identity(2.0, key=keys[1]), float)  # E: ty: type-assertion-failure
pair = (vector, 0.5)
assert_type(identity(pair), tuple[Array, float])  # E: ty: type-assertion-failure

# ---------------------------------------------------------------------- MLP
mlp = eqx.nn.MLP(3, 2, width_size=8, depth=2, activation=jax.nn.gelu, key=keys[3])
assert_type(mlp, eqx.nn.MLP)
assert_type(mlp(vector), Float[Array, "out_size"] | Float[Array, ""])
assert_type(mlp.layers, tuple[eqx.nn.Linear, ...])
assert_type(mlp.activation, Callable[[Array], Array])

# ------------------------------------------------------------- convolutions
conv = eqx.nn.Conv(2, 2, 4, kernel_size=3, padding="SAME", key=keys[4])
assert_type(conv, eqx.nn.Conv)
assert_type(conv(image), Float[Array, "out_channels *out_spatial"])
conv1 = eqx.nn.Conv1d(2, 4, kernel_size=3, stride=2, key=keys[5])
assert_type(conv1, eqx.nn.Conv1d)
assert_type(conv1(signal), Float[Array, "out_channels *out_spatial"])
conv2 = eqx.nn.Conv2d(2, 4, kernel_size=(3, 3), padding=1, key=keys[6])
assert_type(conv2, eqx.nn.Conv2d)
assert_type(conv2(image, key=keys[7]), Float[Array, "out_channels *out_spatial"])
conv3 = eqx.nn.Conv3d(2, 4, kernel_size=2, padding_mode="REFLECT", key=keys[8])
assert_type(conv3, eqx.nn.Conv3d)
assert_type(conv3(volume), Float[Array, "out_channels *out_spatial"])
assert_type(
    conv2.weight, Float[Array, "out_channels in_channels_per_group *kernel_size"]
)
assert_type(conv2.kernel_size, tuple[int, ...])

convt = eqx.nn.ConvTranspose(2, 2, 4, kernel_size=3, stride=2, key=keys[9])
assert_type(convt, eqx.nn.ConvTranspose)
assert_type(convt(image), Float[Array, "out_channels *out_spatial"])
convt1 = eqx.nn.ConvTranspose1d(2, 4, kernel_size=3, stride=2, key=keys[10])
assert_type(convt1, eqx.nn.ConvTranspose1d)
assert_type(convt1(signal), Float[Array, "out_channels *out_spatial"])
convt2 = eqx.nn.ConvTranspose2d(
    2, 4, kernel_size=3, stride=2, output_padding=1, key=keys[11]
)
assert_type(convt2, eqx.nn.ConvTranspose2d)
assert_type(convt2(image), Float[Array, "out_channels *out_spatial"])
convt3 = eqx.nn.ConvTranspose3d(2, 4, kernel_size=2, key=keys[12])
assert_type(convt3, eqx.nn.ConvTranspose3d)
assert_type(convt3(volume), Float[Array, "out_channels *out_spatial"])

# -------------------------------------------------------------------- pools
pool = eqx.nn.Pool(-math.inf, jax.lax.max, 2, kernel_size=2, stride=2)
assert_type(pool, eqx.nn.Pool)
assert_type(pool(image), Shaped[Array, "channels *out_spatial"])
max1 = eqx.nn.MaxPool1d(kernel_size=2, stride=2)
assert_type(max1, eqx.nn.MaxPool1d)
assert_type(max1(signal), Real[Array, "channels *out_spatial"])
max2 = eqx.nn.MaxPool2d(kernel_size=3, stride=1, padding=1)
assert_type(max2, eqx.nn.MaxPool2d)
assert_type(max2(image), Real[Array, "channels *out_spatial"])
max3 = eqx.nn.MaxPool3d(kernel_size=2, use_ceil=True)
assert_type(max3, eqx.nn.MaxPool3d)
assert_type(max3(volume), Real[Array, "channels *out_spatial"])
avg1 = eqx.nn.AvgPool1d(kernel_size=4, stride=4)
assert_type(avg1, eqx.nn.AvgPool1d)
assert_type(avg1(signal), Float[Array, "channels *out_spatial"])
avg2 = eqx.nn.AvgPool2d(kernel_size=2, stride=2)
assert_type(avg2, eqx.nn.AvgPool2d)
assert_type(avg2(image, key=keys[13]), Float[Array, "channels *out_spatial"])
avg3 = eqx.nn.AvgPool3d(kernel_size=(2, 2, 2), stride=2)
assert_type(avg3, eqx.nn.AvgPool3d)
assert_type(avg3(volume), Float[Array, "channels *out_spatial"])

adaptive = eqx.nn.AdaptivePool((2, 2), 2, jnp.median)
assert_type(adaptive, eqx.nn.AdaptivePool)
assert_type(adaptive(image), Shaped[Array, "channels *target_shape"])
adaptive_avg1 = eqx.nn.AdaptiveAvgPool1d(4)
assert_type(adaptive_avg1, eqx.nn.AdaptiveAvgPool1d)
assert_type(adaptive_avg1(signal), Float[Array, "channels *target_shape"])
adaptive_avg2 = eqx.nn.AdaptiveAvgPool2d((3, 3))
assert_type(adaptive_avg2, eqx.nn.AdaptiveAvgPool2d)
assert_type(adaptive_avg2(image), Float[Array, "channels *target_shape"])
adaptive_avg3 = eqx.nn.AdaptiveAvgPool3d(1)
assert_type(adaptive_avg3, eqx.nn.AdaptiveAvgPool3d)
assert_type(adaptive_avg3(volume), Float[Array, "channels *target_shape"])
adaptive_max1 = eqx.nn.AdaptiveMaxPool1d(4)
assert_type(adaptive_max1, eqx.nn.AdaptiveMaxPool1d)
assert_type(adaptive_max1(signal), Real[Array, "channels *target_shape"])
adaptive_max2 = eqx.nn.AdaptiveMaxPool2d([2, 4])
assert_type(adaptive_max2, eqx.nn.AdaptiveMaxPool2d)
assert_type(adaptive_max2(image), Real[Array, "channels *target_shape"])
adaptive_max3 = eqx.nn.AdaptiveMaxPool3d((1, 2, 2))
assert_type(adaptive_max3, eqx.nn.AdaptiveMaxPool3d)
assert_type(adaptive_max3(volume), Real[Array, "channels *target_shape"])

# ------------------------------------------------------------------ Dropout
dropout = eqx.nn.Dropout(0.1)
assert_type(dropout, eqx.nn.Dropout)
assert_type(dropout(vector, key=keys[14]), Float[Array, "*shape"])
assert_type(dropout(vector, inference=True), Float[Array, "*shape"])
assert_type(eqx.nn.Dropout(p=0.5, inference=True)(image), Float[Array, "*shape"])
assert_type(dropout.p, float)
assert_type(dropout.inference, bool)

# ---------------------------------------------------------------- Embedding
embedding = eqx.nn.Embedding(10, 4, key=keys[15])
assert_type(embedding, eqx.nn.Embedding)
assert_type(embedding(jnp.array(3)), Float[Array, "embedding_size"])
assert_type(embedding(3), Float[Array, "embedding_size"])
assert_type(
    eqx.nn.Embedding(weight=jnp.zeros((10, 4))), eqx.nn.Embedding
)  # from a given weight
assert_type(embedding.weight, Float[Array, "num_embeddings embedding_size"])

# -------------------------------------------------------------------- PReLU
prelu = eqx.nn.PReLU()
assert_type(prelu, eqx.nn.PReLU)
assert_type(prelu(vector), Float[Array, "*shape"])
channel_prelu = eqx.nn.PReLU(jnp.full((2, 1, 1), 0.1))
assert_type(channel_prelu(image, key=keys[16]), Float[Array, "*shape"])
assert_type(prelu.negative_slope, Float[Array, "*slope_shape"])

# ------------------------------------------------------------ normalisation
layer_norm = eqx.nn.LayerNorm(3)
assert_type(layer_norm, eqx.nn.LayerNorm)
assert_type(layer_norm(vector), Float[Array, "*shape"])
rms_norm = eqx.nn.RMSNorm((2, 16), use_bias=False)
assert_type(rms_norm, eqx.nn.RMSNorm)
assert_type(rms_norm(signal), Float[Array, "*shape"])
group_norm = eqx.nn.GroupNorm(groups=1, channels=2)
assert_type(group_norm, eqx.nn.GroupNorm)
assert_type(group_norm(image), Float[Array, "channels *spatial"])
assert_type(layer_norm.weight, Float[Array, "*shape"] | None)

# Given a `State` they pass it through, so they can stand in for BatchNorm.
passthrough_state = eqx.nn.State(layer_norm)
assert_type(
    layer_norm(vector, passthrough_state), tuple[Float[Array, "*shape"], eqx.nn.State]
)
assert_type(
    rms_norm(signal, passthrough_state), tuple[Float[Array, "*shape"], eqx.nn.State]
)
assert_type(
    group_norm(image, passthrough_state),
    tuple[Float[Array, " channels *spatial"], eqx.nn.State],
)

# ------------------------------------------------------------------ RNN cells
gru = eqx.nn.GRUCell(3, 5, key=keys[17])
assert_type(gru, eqx.nn.GRUCell)
gru_hidden = jnp.zeros(5)
assert_type(gru(vector, gru_hidden), Float[Array, "hidden_size"])
lstm = eqx.nn.LSTMCell(3, 5, use_bias=False, key=keys[18])
assert_type(lstm, eqx.nn.LSTMCell)
lstm_hidden = (jnp.zeros(5), jnp.zeros(5))
assert_type(
    lstm(vector, lstm_hidden),
    tuple[Float[Array, " hidden_size"], Float[Array, " hidden_size"]],
)
h, c = lstm(vector, lstm_hidden)
assert_type(h, Float[Array, "hidden_size"])
assert_type(c, Float[Array, "hidden_size"])


def gru_scan(cell: eqx.nn.GRUCell, xs: Float[Array, "seq 3"]) -> Array:
    def step(carry: Array, x: Array) -> tuple[Array, None]:
        return cell(x, carry), None

    final, _ = jax.lax.scan(step, jnp.zeros(cell.hidden_size), xs)
    return final


assert_type(gru_scan(gru, jnp.ones((7, 3))), Array)

# ---------------------------------------------------------------- attention
attention = eqx.nn.MultiheadAttention(
    num_heads=2, query_size=8, dropout_p=0.1, key=keys[19]
)
assert_type(attention, eqx.nn.MultiheadAttention)
assert_type(
    attention(sequence, sequence, sequence, inference=True),
    Float[Array, "q_seq o_size"],
)
causal = jnp.tril(jnp.ones((5, 5), dtype=bool))
assert_type(
    attention(sequence, sequence, sequence, causal, key=keys[20]),
    Float[Array, "q_seq o_size"],
)
assert_type(attention.query_proj, eqx.nn.Linear)
assert_type(attention.dropout, eqx.nn.Dropout)

rope = eqx.nn.RotaryPositionalEmbedding(embedding_size=4)
assert_type(rope, eqx.nn.RotaryPositionalEmbedding)
assert_type(rope(jnp.ones((5, 4))), Float[Array, "seq_length embedding_size"])


def rotate_heads(
    q: Float[Array, "q_seq num_heads qk_size"],
    k: Float[Array, "kv_seq num_heads qk_size"],
    v: Float[Array, "kv_seq num_heads vo_size"],
) -> tuple[
    Float[Array, "q_seq num_heads qk_size"],
    Float[Array, "kv_seq num_heads qk_size"],
    Float[Array, "kv_seq num_heads vo_size"],
]:
    rotate: Callable[[Array], Array] = jax.vmap(rope, in_axes=1, out_axes=1)
    return rotate(q), rotate(k), v


assert_type(
    attention(sequence, sequence, sequence, process_heads=rotate_heads, key=keys[21]),
    Float[Array, "q_seq o_size"],
)

# ------------------------------------------------------------------- Lambda


def double(x: Array) -> Array:
    return 2 * x


lam = eqx.nn.Lambda(double)
assert_type(lam, eqx.nn.Lambda[Array, Array])
assert_type(lam(vector), Array)
assert_type(lam(vector, key=keys[22]), Array)
assert_type(lam.fn, Callable[[Array], Array])
relu = eqx.nn.Lambda(jax.nn.relu)
assert_type(relu, eqx.nn.Lambda[ArrayLike, Array])
assert_type(relu(vector), Array)


def describe(x: Array) -> str:
    return str(x.shape)


assert_type(eqx.nn.Lambda(describe)(vector), str)

# ------------------------------------------------------------------- Shared
tied = eqx.nn.Shared(
    (embedding, eqx.nn.Linear(4, 10, use_bias=False, key=keys[23])),
    where=lambda pair: pair[1].weight,
    get=lambda pair: pair[0].weight,
)
assert_type(tied, eqx.nn.Shared[tuple[eqx.nn.Embedding, eqx.nn.Linear]])
assert_type(tied(), tuple[eqx.nn.Embedding, eqx.nn.Linear])
assert_type(tied.pytree, tuple[eqx.nn.Embedding, eqx.nn.Linear])
tied_embedding, tied_linear = tied()
assert_type(
    tied_linear(tied_embedding(2)), Float[Array, "out_features"] | Float[Array, ""]
)

# --------------------------------------------------------- StateIndex, State
counter_index = eqx.nn.StateIndex(jnp.array(0))
assert_type(counter_index, eqx.nn.StateIndex[Array])
pair_index = eqx.nn.StateIndex((jnp.zeros(3), jnp.ones(3)))
assert_type(pair_index, eqx.nn.StateIndex[tuple[Array, Array]])
assert_type(pair_index.init, tuple[Array, Array])
assert_type(pair_index.marker, int)

state = eqx.nn.State((counter_index, pair_index))
assert_type(state, eqx.nn.State)
assert_type(state.get(counter_index), Array)
assert_type(state.get(pair_index), tuple[Array, Array])
assert_type(state.set(counter_index, jnp.array(1)), eqx.nn.State)
assert_type(state.set(pair_index, (jnp.ones(3), jnp.zeros(3))), eqx.nn.State)
assert_type(state.substate(counter_index), eqx.nn.State)
assert_type(state.update(state.substate(pair_index)), eqx.nn.State)
assert_type(state.values, dict[int, Any])


# ------------------------------------------------------------ StatefulLayer
class Counter(eqx.nn.StatefulLayer):
    """Counts its calls in the state; returns its input unchanged."""

    index: eqx.nn.StateIndex[Array]

    def __init__(self) -> None:
        self.index = eqx.nn.StateIndex(jnp.array(0))

    def __call__(
        self, x: Array, state: eqx.nn.State, *, key: PRNGKeyArray | None = None
    ) -> tuple[Array, eqx.nn.State]:
        del key
        count = state.get(self.index)
        return x, state.set(self.index, count + 1)


counter, counter_state = eqx.nn.make_with_state(Counter)()
assert_type(counter, Counter)
assert_type(counter_state, eqx.nn.State)
assert_type(counter(vector, counter_state), tuple[Array, eqx.nn.State])
assert_type(counter.is_stateful(), bool)


def run_stateful(
    layer: eqx.nn.StatefulLayer, x: Array, state: eqx.nn.State
) -> tuple[Any, eqx.nn.State]:
    # The base class declares `(Any, State)`: subclasses narrow the output.
    out = layer(x, state)
    assert_type(out, tuple[Any, eqx.nn.State])
    return out


assert_type(run_stateful(counter, vector, counter_state), tuple[Any, eqx.nn.State])

# --------------------------------------------------------------- BatchNorm
batch_norm, bn_state = eqx.nn.make_with_state(eqx.nn.BatchNorm)(
    4, "batch", mode="batch"
)
assert_type(batch_norm, eqx.nn.BatchNorm)
assert_type(bn_state, eqx.nn.State)
assert_type(eqx.nn.BatchNorm(4, axis_name="batch", mode="batch"), eqx.nn.BatchNorm)
assert_type(
    eqx.nn.make_with_state(eqx.nn.BatchNorm)(4, "batch", momentum=0.9, mode="ema"),
    tuple[eqx.nn.BatchNorm, eqx.nn.State],
)
assert batch_norm.batch_state_index is not None
assert_type(bn_state.get(batch_norm.batch_state_index), tuple[Array, Array])


def batch_norm_step(
    bn: eqx.nn.BatchNorm, x: Float[Array, "4"], state: eqx.nn.State
) -> tuple[Array, eqx.nn.State]:
    out = bn(x, state)
    assert_type(out, tuple[Float[Array, " input_size *spatial"], eqx.nn.State])
    assert_type(bn(x, state, inference=True), tuple[Array, eqx.nn.State])
    return out


batched_bn = jax.vmap(
    batch_norm_step, axis_name="batch", in_axes=(None, 0, None), out_axes=(0, None)
)
assert_type(
    batched_bn(batch_norm, jnp.ones((8, 4)), bn_state), tuple[Array, eqx.nn.State]
)

# ------------------------------------------------------------- SpectralNorm
spectral = eqx.nn.SpectralNorm(linear, key=keys[24])
assert_type(spectral, eqx.nn.SpectralNorm[eqx.nn.Linear])
spectral, spectral_state = eqx.nn.make_with_state(eqx.nn.SpectralNorm)(
    linear, num_power_iterations=2, key=keys[25]
)
assert_type(spectral, eqx.nn.SpectralNorm[eqx.nn.Linear])
assert_type(spectral_state, eqx.nn.State)
assert_type(spectral(vector, spectral_state), tuple[Shaped[Array, "..."], eqx.nn.State])
assert_type(
    spectral(vector, spectral_state, inference=True),
    tuple[Shaped[Array, "..."], eqx.nn.State],
)
assert_type(spectral.layer, eqx.nn.Linear)
spectral_conv = eqx.nn.SpectralNorm(conv2, key=keys[26])
assert_type(spectral_conv, eqx.nn.SpectralNorm[eqx.nn.Conv2d])

# --------------------------------------------------------------- WeightNorm
weight_norm = eqx.nn.WeightNorm(linear)
assert_type(weight_norm, eqx.nn.WeightNorm[eqx.nn.Linear])
assert_type(weight_norm(vector), Shaped[Array, "..."])
assert_type(weight_norm.layer, eqx.nn.Linear)
assert_type(weight_norm.weight, Float[Array, "..."])
assert_type(weight_norm.g, Float[Array, "*g_shape"])
weight_norm_conv = eqx.nn.WeightNorm(conv1, axis=None)
assert_type(weight_norm_conv, eqx.nn.WeightNorm[eqx.nn.Conv1d])
assert_type(weight_norm_conv(signal), Shaped[Array, "..."])

# --------------------------------------------------------------- Sequential
sequential = eqx.nn.Sequential(
    [
        eqx.nn.Linear(3, 8, key=keys[27]),
        eqx.nn.Lambda(jax.nn.relu),
        eqx.nn.Dropout(0.1),
        eqx.nn.Linear(8, 2, key=keys[28]),
    ]
)
assert_type(sequential, eqx.nn.Sequential)


def apply_any(model: eqx.nn.Sequential, x: Array, key: PRNGKeyArray) -> None:
    # Without a state the layers may return anything: the output is `Any`.
    # (Under mypy's shape plugin, a Sequential built here from bound layers
    # returns its last layer's array instead: see pass/shapes_flow_*.)
    assert_type(model(x, key=key), Any)


apply_any(sequential, vector, keys[29])
assert_type(sequential[0], Callable[..., Any])
assert_type(sequential[1:], eqx.nn.Sequential)
assert_type(len(sequential), int)
assert_type(list(sequential), list[Callable[..., Any]])
assert_type(sequential.layers, tuple[Callable[..., Any], ...])
assert_type(sequential.is_stateful(), bool)

stateful_sequential, sequential_state = eqx.nn.make_with_state(eqx.nn.Sequential)(
    [
        eqx.nn.Linear(3, 4, key=keys[30]),
        eqx.nn.BatchNorm(4, "batch", mode="batch"),
        jax.nn.relu,
    ]
)
assert_type(stateful_sequential, eqx.nn.Sequential)
assert_type(sequential_state, eqx.nn.State)


def sequential_step(
    model: eqx.nn.Sequential, x: Array, state: eqx.nn.State
) -> tuple[Any, eqx.nn.State]:
    out = model(x, state)
    assert_type(out, tuple[Any, eqx.nn.State])
    return out


batched_sequential = jax.vmap(
    sequential_step, axis_name="batch", in_axes=(None, 0, None), out_axes=(0, None)
)
assert_type(
    batched_sequential(stateful_sequential, jnp.ones((8, 3)), sequential_state),
    tuple[Any, eqx.nn.State],
)

# ------------------------------------------ delete_init_state, inference_mode
assert_type(eqx.nn.delete_init_state(batch_norm), eqx.nn.BatchNorm)
assert_type(eqx.nn.delete_init_state(counter), Counter)
assert_type(
    eqx.nn.delete_init_state((spectral, [counter])),
    tuple[eqx.nn.SpectralNorm[eqx.nn.Linear], list[Counter]],
)
assert_type(eqx.nn.inference_mode(batch_norm), eqx.nn.BatchNorm)
assert_type(eqx.nn.inference_mode(sequential), eqx.nn.Sequential)
assert_type(eqx.nn.inference_mode(attention, value=False), eqx.nn.MultiheadAttention)
parts: dict[str, eqx.nn.Dropout | eqx.nn.SpectralNorm[eqx.nn.Linear]] = {
    "dropout": dropout,
    "spectral": spectral,
}
assert_type(
    eqx.nn.inference_mode(parts),
    dict[str, eqx.nn.Dropout | eqx.nn.SpectralNorm[eqx.nn.Linear]],
)


class Classifier(eqx.Module):
    """A user model mixing stateless and stateful layers."""

    conv: eqx.nn.Conv2d
    norm: eqx.nn.BatchNorm
    pool: eqx.nn.AdaptiveAvgPool2d
    dropout: eqx.nn.Dropout
    head: eqx.nn.Linear

    def __init__(self, *, key: PRNGKeyArray) -> None:
        conv_key, head_key = jax.random.split(key)
        self.conv = eqx.nn.Conv2d(2, 4, kernel_size=3, padding=1, key=conv_key)
        self.norm = eqx.nn.BatchNorm(4, axis_name="batch", mode="batch")
        self.pool = eqx.nn.AdaptiveAvgPool2d(1)
        self.dropout = eqx.nn.Dropout(0.2)
        self.head = eqx.nn.Linear(4, 3, key=head_key)

    def __call__(
        self, x: Float[Array, "2 8 8"], state: eqx.nn.State, *, key: PRNGKeyArray
    ) -> tuple[Array, eqx.nn.State]:
        y, state = self.norm(self.conv(x), state)
        y = self.dropout(self.pool(y).reshape(-1), key=key)
        return self.head(y), state


classifier, classifier_state = eqx.nn.make_with_state(Classifier)(key=keys[31])
assert_type(classifier, Classifier)
assert_type(classifier_state, eqx.nn.State)
assert_type(eqx.nn.inference_mode(classifier), Classifier)
assert_type(eqx.nn.inference_mode(classifier).dropout, eqx.nn.Dropout)
