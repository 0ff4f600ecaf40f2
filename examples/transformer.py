"""A small transformer (causal self-attention with rotary position embeddings)
on a synthetic sequence task.

Run: python examples/transformer.py [--quick] [--out DIR]

The task: read random digits `x` and output, at each position `i`, the sum of
the current and previous digit modulo 10, `(x[i] + x[i-1]) % 10` (position 0
outputs `x[0]`). Content alone cannot solve it: the model must find the token
one step back, which rotary embeddings (`eqx.nn.RotaryPositionalEmbedding`,
applied to the heads through `MultiheadAttention`'s `process_heads`) make a
matter of relative position. Prints the accuracy on fresh sequences and writes
the training curve to `transformer.png`.
"""

import _optim
import jax
import jax.numpy as jnp
import optax
from _options import parse_options
from _plots import save_curves
from _progress import Progress
from jaxtyping import Array, Bool, Float, Int, PRNGKeyArray

import equinox as eqx

VOCAB = 10
LENGTH = 16
WIDTH = 64
HEADS = 4
LAYERS = 2
BATCH_SIZE = 64

Heads = Float[Array, "seq heads head_size"]


class Block(eqx.Module):
    """Pre-norm transformer block: causal attention, then an MLP."""

    attention_norm: eqx.nn.LayerNorm
    attention: eqx.nn.MultiheadAttention
    rope: eqx.nn.RotaryPositionalEmbedding
    mlp_norm: eqx.nn.LayerNorm
    mlp: eqx.nn.MLP

    def __init__(self, *, key: PRNGKeyArray) -> None:
        attention_key, mlp_key = jax.random.split(key)
        self.attention_norm = eqx.nn.LayerNorm(WIDTH)
        self.attention = eqx.nn.MultiheadAttention(HEADS, WIDTH, key=attention_key)
        self.rope = eqx.nn.RotaryPositionalEmbedding(WIDTH // HEADS)
        self.mlp_norm = eqx.nn.LayerNorm(WIDTH)
        self.mlp = eqx.nn.MLP(WIDTH, WIDTH, 4 * WIDTH, depth=1, key=mlp_key)

    def rotate(
        self, query: Heads, key_: Heads, value: Heads
    ) -> tuple[Heads, Heads, Heads]:
        """Rotary embeddings on queries and keys, head by head."""
        per_head = jax.vmap(self.rope, in_axes=1, out_axes=1)
        return per_head(query), per_head(key_), value

    def __call__(
        self, x: Float[Array, "seq width"], mask: Bool[Array, "seq seq"]
    ) -> Float[Array, "seq width"]:
        normed = jax.vmap(self.attention_norm)(x)
        x = x + self.attention(normed, normed, normed, mask, process_heads=self.rotate)
        return x + jax.vmap(self.mlp)(jax.vmap(self.mlp_norm)(x))


class Transformer(eqx.Module):
    embedding: eqx.nn.Embedding
    blocks: list[Block]
    head: eqx.nn.Linear

    def __init__(self, *, key: PRNGKeyArray) -> None:
        embed_key, head_key, *block_keys = jax.random.split(key, 2 + LAYERS)
        self.embedding = eqx.nn.Embedding(VOCAB, WIDTH, key=embed_key)
        self.blocks = [Block(key=k) for k in block_keys]
        self.head = eqx.nn.Linear(WIDTH, VOCAB, key=head_key)

    def __call__(self, tokens: Int[Array, " seq"]) -> Float[Array, "seq vocab"]:
        x = jax.vmap(self.embedding)(tokens)
        causal = jnp.tril(jnp.ones((len(tokens), len(tokens)), dtype=bool))
        for block in self.blocks:
            x = block(x, causal)
        logits: Float[Array, "seq vocab"] = jax.vmap(self.head)(x)
        return logits


def make_batch(
    key: PRNGKeyArray, size: int
) -> tuple[Int[Array, "batch seq"], Int[Array, "batch seq"]]:
    """Random digit sequences and their targets, from the known rule."""
    tokens = jax.random.randint(key, (size, LENGTH), 0, VOCAB)
    previous = jnp.pad(tokens[:, :-1], ((0, 0), (1, 0)))
    return tokens, (tokens + previous) % VOCAB


def loss_fn(
    model: Transformer,
    tokens: Int[Array, "batch seq"],
    targets: Int[Array, "batch seq"],
) -> Float[Array, ""]:
    logits = jax.vmap(model)(tokens)
    losses: Array = optax.softmax_cross_entropy_with_integer_labels(logits, targets)
    return jnp.mean(losses)


@eqx.filter_jit
def train_step(
    model: Transformer,
    opt_state: optax.OptState,
    optimiser: optax.GradientTransformation,
    key: PRNGKeyArray,
) -> tuple[Transformer, optax.OptState, Float[Array, ""]]:
    tokens, targets = make_batch(key, BATCH_SIZE)
    loss, grads = eqx.filter_value_and_grad(loss_fn)(model, tokens, targets)
    model, opt_state = _optim.update(optimiser, model, grads, opt_state)
    return model, opt_state, loss


@eqx.filter_jit
def accuracy(model: Transformer, key: PRNGKeyArray) -> Float[Array, ""]:
    """The share of correct outputs over 1000 fresh sequences."""
    tokens, targets = make_batch(key, 1000)
    predictions = jnp.argmax(jax.vmap(model)(tokens), axis=-1)
    return jnp.mean(predictions == targets)


def main() -> None:
    options = parse_options(__doc__ or "")
    steps, target = (300, 0.9) if options.quick else (1000, 0.98)
    model_key, data_key, test_key = jax.random.split(jax.random.key(0), 3)
    model = Transformer(key=model_key)
    schedule = optax.warmup_cosine_decay_schedule(0.0, 3e-3, 100, steps)
    optimiser = optax.adamw(schedule)
    opt_state = _optim.init(optimiser, model)
    losses: list[float] = []
    progress = Progress(steps, desc="train")
    for step in progress:
        step_key = jax.random.fold_in(data_key, step)
        model, opt_state, loss = train_step(model, opt_state, optimiser, step_key)
        losses.append(float(loss))
        progress.report(loss=losses[-1])
    save_curves(
        options.png("transformer.png"),
        {"training loss": losses},
        title="Transformer + RoPE: (x[i] + x[i-1]) mod 10",
        log=True,
    )
    test_accuracy = float(accuracy(model, test_key))
    print(f"test accuracy {test_accuracy:.2%} over 1000 fresh sequences")
    if test_accuracy < target:
        raise SystemExit(
            f"accuracy {test_accuracy:.2%} is below the {target:.0%} target"
        )


if __name__ == "__main__":
    main()
