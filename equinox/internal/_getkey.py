"""`GetKey`: a fresh PRNG key per call, for test fixtures."""

import random

import jax.random as jr
from jaxtyping import Array


class GetKey:
    """Designed for use as a fixture in tests:

        @pytest.fixture
        def getkey():
            return eqxi.GetKey()

    Call `n` returns `jr.fold_in(jr.PRNGKey(seed), n)` (counting from 1). A
    `seed` of `None` picks a random one: deliberate non-determinism, so do
    not use this outside tests."""

    def __init__(self, seed: int | None = None) -> None:
        self.seed: int = random.randint(0, 2**31 - 1) if seed is None else seed
        self.call: int = 0
        self.key: Array = jr.PRNGKey(self.seed)

    def __repr__(self) -> str:
        return f"GetKey(seed={self.seed}, call={self.call}, key={self.key!r})"

    def __call__(self) -> Array:
        self.call += 1
        return jr.fold_in(self.key, self.call)
