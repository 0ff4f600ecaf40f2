"""`Embedding`: a lookup table from integer indices to vectors."""

import jax
import jax.numpy as jnp
from jax.typing import DTypeLike
from jaxtyping import Array, ArrayLike, Float, Int, PRNGKeyArray

from .._field import field
from .._module import Module
from ._param_init import check_positive_int, floating_dtype


class Embedding(Module):
    """Maps an index in `[0, num_embeddings)` to a row of `weight`.

    Either pass `num_embeddings`, `embedding_size` and `key` (rows drawn from a
    standard normal) or pass `weight` itself. Negative indices count from the
    end, as in NumPy. An index out of range is an error when it is concrete;
    under `jit` it gives a row of NaNs rather than a silently clamped row.
    """

    weight: Float[Array, "num_embeddings embedding_size"]
    num_embeddings: int = field(static=True)
    embedding_size: int = field(static=True)

    def __init__(
        self,
        num_embeddings: int | None = None,
        embedding_size: int | None = None,
        weight: Float[Array, "num_embeddings embedding_size"] | None = None,
        dtype: DTypeLike | None = None,
        *,
        key: PRNGKeyArray | None = None,
    ) -> None:
        if weight is None:
            if num_embeddings is None or embedding_size is None or key is None:
                raise ValueError(
                    "Embedding: pass either `weight`, or all of `num_embeddings`, "
                    f"`embedding_size` and `key`; got num_embeddings="
                    f"{num_embeddings!r}, embedding_size={embedding_size!r}, "
                    f"key={'given' if key is not None else None}."
                )
            n = check_positive_int("Embedding", "num_embeddings", num_embeddings)
            size = check_positive_int("Embedding", "embedding_size", embedding_size)
            param_dtype = floating_dtype("Embedding", dtype)
            weight = jax.random.normal(key, (n, size), param_dtype)
        else:
            if weight.ndim != 2:
                raise ValueError(
                    "Embedding: `weight` must have shape (num_embeddings, "
                    f"embedding_size), got shape {weight.shape}."
                )
            for name, given, actual in (
                ("num_embeddings", num_embeddings, weight.shape[0]),
                ("embedding_size", embedding_size, weight.shape[1]),
            ):
                if given is not None and given != actual:
                    raise ValueError(
                        f"Embedding: `{name}`={given} does not match `weight` of "
                        f"shape {weight.shape}."
                    )
            if dtype is not None:
                weight = weight.astype(floating_dtype("Embedding", dtype))
        self.weight = weight
        self.num_embeddings = int(weight.shape[0])
        self.embedding_size = int(weight.shape[1])

    def __call__(
        self, x: Int[ArrayLike, ""], *, key: PRNGKeyArray | None = None
    ) -> Float[Array, "embedding_size"]:
        """The row for index `x` (a scalar); `key` is unused."""
        del key
        index = jnp.asarray(x)
        if index.shape != () or not jnp.issubdtype(index.dtype, jnp.integer):
            raise ValueError(
                "Embedding: expected one integer index of shape () (batch with "
                f"jax.vmap), got {index.dtype} of shape {index.shape}."
            )
        try:
            value = int(index)
        except (
            jax.errors.ConcretizationTypeError,
            jax.errors.TracerIntegerConversionError,
        ):
            value = None  # traced: out of range gives NaNs, see the class doc
        if value is not None:
            if not -self.num_embeddings <= value < self.num_embeddings:
                raise IndexError(
                    f"Embedding: index {value} is out of range for "
                    f"num_embeddings={self.num_embeddings}."
                )
        return jnp.take(self.weight, index, axis=0, mode="fill", fill_value=jnp.nan)
