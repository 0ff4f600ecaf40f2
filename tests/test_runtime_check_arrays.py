"""The fast array check agrees with jaxtyping's own `isinstance`."""

from typing import cast

import jax.numpy as jnp
import jaxtyping
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from jaxtyping import Array, Bool, Float, Int, Shaped

from equinox._runtime_check._arrays import array_check, fast_array_check
from equinox._runtime_check._memo import current_bindings, pop_memo, push_memo

_FAMILIES = {"Float": Float, "Int": Int, "Bool": Bool, "Shaped": Shaped}
_DTYPES = [jnp.float32, jnp.int32, jnp.bool_, jnp.bfloat16, jnp.uint8]
_TOKENS = ["1", "2", "3", "a", "b", "_"]


def _type(annotation: object) -> type:
    """jaxtyping types are classes at run time (`Annotated` to the checkers)."""
    return cast(type, annotation)


def _outcome(
    check: object, hint: type, value: object, bound: tuple[int, int] | None
) -> tuple[bool, dict[str, str]]:
    """Result and resulting bindings of one check in a fresh memo, after
    optionally binding a and b."""
    push_memo({})
    try:
        if bound is not None:
            assert isinstance(jnp.zeros(bound), _type(Shaped[Array, "a b"]))
        ok = check(value) if callable(check) else isinstance(value, hint)
        return bool(ok), current_bindings()
    finally:
        pop_memo()


@settings(max_examples=300, deadline=None)
@given(
    family=st.sampled_from(sorted(_FAMILIES)),
    tokens=st.lists(st.sampled_from(_TOKENS), max_size=3),
    dtype_index=st.integers(0, len(_DTYPES) - 1),
    shape=st.lists(st.integers(1, 3), max_size=3),
    bound=st.none() | st.tuples(st.integers(1, 3), st.integers(1, 3)),
)
def test_fast_check_agrees_with_jaxtyping(
    family: str,
    tokens: list[str],
    dtype_index: int,
    shape: list[int],
    bound: tuple[int, int] | None,
) -> None:
    hint = _type(_FAMILIES[family][Array, " ".join(tokens)])
    fast = fast_array_check(hint, _never)
    assert fast is not None
    value = jnp.zeros(tuple(shape), _DTYPES[dtype_index])
    for _ in range(2):  # the second time through the dtype/type caches
        assert _outcome(fast, hint, value, bound) == _outcome(None, hint, value, bound)


def test_other_values_and_annotations_go_to_jaxtyping() -> None:
    hint = _type(Float[Array, "n"])
    fast = fast_array_check(hint, _never)
    assert fast is not None
    assert not fast(np.zeros(3, np.float32))  # a NumPy array is no jax.Array
    assert not fast("not an array")
    # The full check decides NumPy values by the same dtype and shape rules.
    full = array_check(hint)
    with jaxtyping.jaxtyped("context"):  # pyright: ignore[reportUnknownMemberType]
        assert full(np.zeros(3, np.float32))
        assert not full(np.zeros(4, np.float32))  # n is bound to 3 above
        assert not full(np.zeros(3, np.int32))
    for complex_hint in (
        Float[Array, "*b n"],
        Float[Array, "#n"],
        Float[Array, "n+1"],
        Float[np.ndarray, "n"],
    ):
        assert fast_array_check(_type(complex_hint), _never) is None


def _never(value: object) -> bool:
    del value
    return False
