"""Run-time checks of methods written with a filtered transformation in a
Module's class body: the transformed function is the checked one."""

from typing import Any

import jax.numpy as jnp
import pytest
from jaxtyping import Array, Float

import equinox as eqx


class _Scaled(eqx.Module):
    w: Float[Array, "3"]

    @eqx.filter_jit
    def jitted(self, x: Float[Array, "3"]) -> Float[Array, "3"]:
        return self.w * x

    @eqx.filter_vmap(in_axes=(None, 0))
    def mapped(self, x: Float[Array, "3"]) -> Float[Array, "3"]:
        return self.w * x

    @eqx.filter_grad
    def grad(self, x: Float[Array, "3"]) -> Float[Array, ""]:
        return jnp.sum(self.w * x)

    @eqx.filter_checkpoint
    def remat(self, x: Float[Array, "3"]) -> Float[Array, "3"]:
        return self.w * x


_METHODS = ["jitted", "mapped", "grad", "remat"]
# A good argument and one whose shape breaks the annotation, per method (the
# mapped one is checked per example; `grad` is tested on its own).
_GOOD: dict[str, Any] = {
    "jitted": jnp.ones(3),
    "mapped": jnp.ones((2, 3)),
    "remat": jnp.ones(3),
}
_BAD: dict[str, Any] = {
    "jitted": jnp.ones(4),
    "mapped": jnp.ones((2, 4)),
    "remat": jnp.ones(4),
}


@pytest.mark.parametrize("name", _METHODS)
def test_transformed_methods_are_checked(name: str) -> None:
    module = _Scaled(jnp.arange(3.0))
    if name == "grad":
        # `filter_grad` differentiates with respect to `self`.
        assert _Scaled.grad(module, jnp.ones(3)).w.tolist() == [1.0, 1.0, 1.0]
        with pytest.raises(eqx.TypeCheckError, match=r"_Scaled\.grad: argument 'x'"):
            _Scaled.grad(module, jnp.ones(4))
        return
    method = getattr(module, name)
    assert jnp.shape(method(_GOOD[name]))[-1] == 3
    with pytest.raises(eqx.TypeCheckError, match=rf"_Scaled\.{name}: argument 'x'"):
        method(_BAD[name])


def test_checked_jit_method_keeps_equinox_shape() -> None:
    traces: list[int] = []

    class Counted(eqx.Module):
        w: Float[Array, "3"]

        @eqx.filter_jit
        def jitted(self, x: Float[Array, "3"]) -> Float[Array, "3"]:
            traces.append(1)
            return self.w * x

    module = Counted(jnp.arange(3.0))
    assert type(Counted.jitted).__name__ == "_JitWrapper"
    assert type(module.jitted) is eqx.Partial
    assert getattr(Counted.jitted, "__name__") == "jitted"  # noqa: B009  # not on the static protocol
    module.jitted(jnp.ones(3))
    module.jitted(jnp.ones(3))
    assert len(traces) == 1  # checked at trace time: once per compilation
    with pytest.raises(eqx.TypeCheckError):
        module.jitted(jnp.ones(4))


def test_plain_class_methods_are_not_checked() -> None:
    class Plain:
        @eqx.filter_jit
        def jitted(self, x: Float[Array, "3"]) -> Any:
            return x

    # (Static shape checking sees the mismatch; at run time nothing checks.)
    assert Plain().jitted(jnp.ones(4)).shape == (4,)  # type: ignore[jaxtyping-shape]  # the mismatch under test
