"""`MultiheadAttention`: scaled dot-product attention over several heads."""

import math
import warnings
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import DTypeLike
from jaxtyping import Array, Bool, Float, Num, PRNGKeyArray, Shaped

from .._field import field
from .._module import Module
from ._dropout import Dropout
from ._linear import Linear
from ._param_init import check_positive_int

_Heads = tuple[
    Float[Array, "q_seq num_heads qk_size"],
    Float[Array, "kv_seq num_heads qk_size"],
    Float[Array, "kv_seq num_heads vo_size"],
]
ProcessHeads = Callable[
    [
        Float[Array, "q_seq num_heads qk_size"],
        Float[Array, "kv_seq num_heads qk_size"],
        Float[Array, "kv_seq num_heads vo_size"],
    ],
    _Heads,
]


def dot_product_attention_weights(
    query: Float[Array, "q_seq qk_size"],
    key: Float[Array, "kv_seq qk_size"],
    mask: Bool[Array, "q_seq kv_seq"] | None = None,
) -> Float[Array, "q_seq kv_seq"]:
    """`softmax(query key^T / sqrt(qk_size))` over the keys, one head.

    Where `mask` is False the weight is 0 (the logit is set to the dtype's
    lowest value). The softmax is computed in at least float32.
    """
    logits = query @ key.T / math.sqrt(query.shape[-1])
    if mask is not None:
        if mask.shape != logits.shape:
            raise ValueError(
                f"dot_product_attention_weights: `mask` must have shape (q_seq, "
                f"kv_seq)={logits.shape}, got {mask.shape}."
            )
        logits = jnp.where(mask, logits, np.finfo(np.dtype(logits.dtype)).min)
    compute = jnp.promote_types(logits.dtype, jnp.float32)
    return jax.nn.softmax(logits.astype(compute), axis=-1).astype(query.dtype)


def dot_product_attention(
    query: Float[Array, "q_seq qk_size"],
    key_: Float[Array, "kv_seq qk_size"],
    value: Float[Array, "kv_seq v_size"],
    mask: Bool[Array, "q_seq kv_seq"] | None = None,
    dropout: Dropout | None = None,
    *,
    key: PRNGKeyArray | None = None,
    inference: bool | None = None,
) -> Float[Array, "q_seq v_size"]:
    """One attention head: `dot_product_attention_weights` (then `dropout`, if
    given, with `key` and `inference`) applied to `value`."""
    weights = dot_product_attention_weights(query, key_, mask)
    if dropout is not None:
        weights = dropout(weights, key=key, inference=inference)
    return weights @ value


def _per_head_size(name: str, given: int | None, query_size: int, heads: int) -> int:
    if given is not None:
        return check_positive_int("MultiheadAttention", name, given)
    if query_size % heads != 0:
        raise ValueError(
            f"MultiheadAttention: `num_heads` ({heads}) must divide `query_size` "
            f"({query_size}) when `{name}` is not given (it defaults to "
            f"query_size // num_heads)."
        )
    return query_size // heads


def _optional_size(name: str, given: int | None, default: int) -> int:
    if given is None:
        return default
    return check_positive_int("MultiheadAttention", name, given)


def _check_input(name: str, x: Array, size: int, what: str) -> None:
    if x.ndim != 2 or x.shape[1] != size:
        raise ValueError(
            f"MultiheadAttention: expected `{name}` of shape (seq_length, {what}="
            f"{size}) (one unbatched example, batch with jax.vmap), got shape "
            f"{x.shape}."
        )


class MultiheadAttention(Module):
    """Multi-head scaled dot-product attention.

    Queries, keys and values are projected to `num_heads` heads (of sizes
    `qk_size`, `qk_size`, `vo_size`); each head computes
    `softmax(q k^T / sqrt(qk_size)) v`; the heads are concatenated and
    projected to `output_size`. Attention weights go through dropout with
    probability `dropout_p` (off in inference mode).
    """

    query_proj: Linear
    key_proj: Linear
    value_proj: Linear
    output_proj: Linear
    dropout: Dropout
    num_heads: int = field(static=True)
    query_size: int = field(static=True)
    key_size: int = field(static=True)
    value_size: int = field(static=True)
    output_size: int = field(static=True)
    qk_size: int = field(static=True)
    vo_size: int = field(static=True)
    use_query_bias: bool = field(static=True)
    use_key_bias: bool = field(static=True)
    use_value_bias: bool = field(static=True)
    use_output_bias: bool = field(static=True)

    def __init__(
        self,
        num_heads: int,
        query_size: int,
        key_size: int | None = None,
        value_size: int | None = None,
        output_size: int | None = None,
        qk_size: int | None = None,
        vo_size: int | None = None,
        use_query_bias: bool = False,
        use_key_bias: bool = False,
        use_value_bias: bool = False,
        use_output_bias: bool = False,
        dropout_p: float = 0.0,
        inference: bool = False,
        dtype: DTypeLike | None = None,
        *,
        key: PRNGKeyArray,
    ) -> None:
        """`key_size`, `value_size` and `output_size` default to `query_size`;
        `qk_size` and `vo_size` to `query_size // num_heads`."""
        layer = "MultiheadAttention"
        self.num_heads = check_positive_int(layer, "num_heads", num_heads)
        self.query_size = check_positive_int(layer, "query_size", query_size)
        self.key_size = _optional_size("key_size", key_size, self.query_size)
        self.value_size = _optional_size("value_size", value_size, self.query_size)
        self.output_size = _optional_size("output_size", output_size, self.query_size)
        self.qk_size = _per_head_size("qk_size", qk_size, self.query_size, num_heads)
        self.vo_size = _per_head_size("vo_size", vo_size, self.query_size, num_heads)
        self.use_query_bias = bool(use_query_bias)
        self.use_key_bias = bool(use_key_bias)
        self.use_value_bias = bool(use_value_bias)
        self.use_output_bias = bool(use_output_bias)
        qkey, kkey, vkey, okey = jax.random.split(key, 4)
        heads_qk = self.num_heads * self.qk_size
        heads_vo = self.num_heads * self.vo_size
        self.query_proj = Linear(
            self.query_size, heads_qk, self.use_query_bias, dtype, key=qkey
        )
        self.key_proj = Linear(
            self.key_size, heads_qk, self.use_key_bias, dtype, key=kkey
        )
        self.value_proj = Linear(
            self.value_size, heads_vo, self.use_value_bias, dtype, key=vkey
        )
        self.output_proj = Linear(
            heads_vo, self.output_size, self.use_output_bias, dtype, key=okey
        )
        self.dropout = Dropout(dropout_p, inference=inference)

    def _project(self, proj: Linear, x: Array, head_size: int) -> Array:
        projected: Array = jax.vmap(proj)(x)
        return projected.reshape(x.shape[0], self.num_heads, head_size)

    def _check_heads(self, heads: _Heads, q_seq: int, kv_seq: int) -> None:
        expected = (
            (q_seq, self.num_heads, self.qk_size),
            (kv_seq, self.num_heads, self.qk_size),
            (kv_seq, self.num_heads, self.vo_size),
        )
        got = tuple(getattr(h, "shape", None) for h in heads)
        if len(heads) != 3 or got != expected:
            raise ValueError(
                "MultiheadAttention: `process_heads` must return (query_heads, "
                "key_heads, value_heads) with unchanged shapes "
                f"{expected}, got {got}."
            )

    def _check_mask(self, mask: Array, q_seq: int, kv_seq: int) -> int | None:
        """The vmap axis of a valid mask over the heads (None: shared)."""
        shapes = ((q_seq, kv_seq), (self.num_heads, q_seq, kv_seq))
        # Any dtype, as in Equinox: nonzero entries attend.
        if mask.shape not in shapes:
            raise ValueError(
                "MultiheadAttention: `mask` must be an array of shape "
                f"(q_seq, kv_seq)={shapes[0]} or (num_heads, q_seq, kv_seq)="
                f"{shapes[1]}, got {mask.dtype}{list(mask.shape)}."
            )
        return None if mask.ndim == 2 else 0

    def _check_dropout_key(
        self, key: PRNGKeyArray | None, inference: bool | None
    ) -> None:
        off = self.dropout.inference if inference is None else inference
        p = self.dropout.p
        if key is None and not off and not (isinstance(p, float) and p == 0.0):
            raise RuntimeError(
                f"MultiheadAttention: dropout_p={p} needs a `key` when not in "
                "inference mode; call it with `key=...`, or pass `inference=True` "
                "/ use `eqx.nn.inference_mode(model)`."
            )

    def __call__(
        self,
        query: Num[Array, "q_seq q_size"],
        key_: Num[Array, "kv_seq k_size"],
        value: Num[Array, "kv_seq v_size"],
        mask: (
            Shaped[Array, "q_seq kv_seq"]
            | Shaped[Array, "num_heads q_seq kv_seq"]
            | None
        ) = None,
        *,
        key: PRNGKeyArray | None = None,
        inference: bool | None = None,
        deterministic: bool | None = None,
        process_heads: ProcessHeads | None = None,
    ) -> Float[Array, "q_seq o_size"]:
        """Attends from each query position to the key/value positions.

        `mask[..., i, j]` False stops query `i` attending to key `j` (a 2-D
        mask applies to every head, a 3-D one per head). `key` drives the
        dropout (needed when `dropout_p > 0` outside inference mode);
        `inference` overrides the dropout's flag for this call.
        `process_heads(q, k, v)` may transform the per-head projections (of
        shapes `(seq, num_heads, size)`), e.g. to apply rotary embeddings; it
        must keep their shapes. `deterministic` is Equinox's deprecated
        spelling of `inference` (it warns, and wins when given).
        """
        if deterministic is not None:
            warnings.warn(
                "MultiheadAttention()(deterministic=...) is deprecated; use "
                "MultiheadAttention()(inference=...).",
                UserWarning,
                stacklevel=2,
            )
            inference = deterministic
        _check_input("query", query, self.query_size, "query_size")
        _check_input("key_", key_, self.key_size, "key_size")
        _check_input("value", value, self.value_size, "value_size")
        q_seq, kv_seq = query.shape[0], key_.shape[0]
        if value.shape[0] != kv_seq:
            raise ValueError(
                "MultiheadAttention: `key_` and `value` must have the same sequence "
                f"length, got {kv_seq} and {value.shape[0]}."
            )
        heads: _Heads = (
            self._project(self.query_proj, query, self.qk_size),
            self._project(self.key_proj, key_, self.qk_size),
            self._project(self.value_proj, value, self.vo_size),
        )
        if process_heads is not None:
            heads = process_heads(*heads)
            self._check_heads(heads, q_seq, kv_seq)
        q, k, v = heads
        mask_axis = None if mask is None else self._check_mask(mask, q_seq, kv_seq)
        self._check_dropout_key(key, inference)
        # One key per head, each head attended separately: Equinox's order of
        # random draws, so that the same key drops the same weights.
        keys = None if key is None else jax.random.split(key, self.num_heads)

        def attend(
            q_h: Array,
            k_h: Array,
            v_h: Array,
            mask_h: Array | None,
            key_h: Array | None,
        ) -> Array:
            return dot_product_attention(
                q_h, k_h, v_h, mask_h, self.dropout, key=key_h, inference=inference
            )

        attended = jax.vmap(attend, in_axes=(1, 1, 1, mask_axis, 0), out_axes=1)(
            q, k, v, mask, keys
        )  # (q_seq, heads, vo)
        out: Array = jax.vmap(self.output_proj)(attended.reshape(q_seq, -1))
        return out
