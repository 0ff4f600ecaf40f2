import jax
import jax.numpy as jnp
import numpy as np
import pytest

import equinox as eqx

KEY = jax.random.key(0)


def test_embedding_looks_up_rows() -> None:
    embedding = eqx.nn.Embedding(10, 4, key=KEY)
    assert embedding.weight.shape == (10, 4)
    assert (embedding.num_embeddings, embedding.embedding_size) == (10, 4)
    np.testing.assert_array_equal(embedding(3), embedding.weight[3])
    np.testing.assert_array_equal(embedding(jnp.array(7)), embedding.weight[7])
    np.testing.assert_array_equal(embedding(-1), embedding.weight[9])


def test_embedding_init_is_standard_normal() -> None:
    weight = np.asarray(eqx.nn.Embedding(500, 40, key=KEY).weight)
    assert abs(weight.mean()) < 0.02 and abs(weight.std() - 1) < 0.02


def test_embedding_from_weight_and_dtype() -> None:
    weight = jnp.arange(6.0).reshape(3, 2)
    embedding = eqx.nn.Embedding(weight=weight)
    assert (embedding.num_embeddings, embedding.embedding_size) == (3, 2)
    np.testing.assert_array_equal(embedding(1), [2.0, 3.0])
    assert (
        eqx.nn.Embedding(3, 2, dtype=jnp.bfloat16, key=KEY).weight.dtype == jnp.bfloat16
    )


def test_embedding_under_jit_vmap_grad() -> None:
    embedding = eqx.nn.Embedding(5, 3, key=KEY)
    ids = jnp.array([0, 4, 4, 2])
    out = jax.jit(jax.vmap(embedding))(ids)
    np.testing.assert_array_equal(out, embedding.weight[np.array([0, 4, 4, 2])])

    def loss(model: eqx.nn.Embedding) -> jax.Array:
        return jnp.sum(jax.vmap(model)(ids))

    grads = jax.grad(loss)(embedding)
    # Each row's gradient counts how often it was looked up.
    np.testing.assert_array_equal(grads.weight[:, 0], [1, 0, 1, 0, 2])


def test_embedding_out_of_range() -> None:
    embedding = eqx.nn.Embedding(5, 3, key=KEY)
    with pytest.raises(IndexError, match="Embedding: index 5 is out of range"):
        embedding(5)
    with pytest.raises(IndexError, match="index -6"):
        embedding(-6)
    # Traced: NaNs rather than a silently clamped row.
    assert bool(jnp.all(jnp.isnan(jax.jit(lambda i: embedding(i))(jnp.array(9)))))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"num_embeddings": 3}, "Embedding: pass either `weight`, or all of"),
        ({"num_embeddings": 0, "embedding_size": 2, "key": KEY}, "`num_embeddings` must be >= 1"),
        ({"weight": jnp.ones(3)}, r"`weight` must have shape \(num_embeddings, embedding_size\)"),
        ({"weight": jnp.ones((3, 2)), "num_embeddings": 4}, "`num_embeddings`=4 does not match"),
    ],
)  # fmt: skip
def test_embedding_bad_config(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        eqx.nn.Embedding(**kwargs)  # type: ignore[arg-type]  # deliberately partial


def test_embedding_bad_index() -> None:
    embedding = eqx.nn.Embedding(5, 3, key=KEY)
    with pytest.raises(Exception, match="Embedding"):
        embedding(jnp.array([1, 2]))
