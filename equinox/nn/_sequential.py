"""`StatefulLayer` (the interface of layers that thread a `State`) and
`Sequential` (a chain of layers)."""

import abc
import inspect
from collections.abc import Callable, Iterator, Sequence
from typing import Any, cast, overload

import jax
from jaxtyping import PRNGKeyArray

from .._module import Module
from ._stateful import State


class StatefulLayer(Module):
    """A layer called as `layer(x, state, *, key=None) -> (y, state)`.

    `Sequential` threads its `state` through every layer that subclasses this
    and whose `is_stateful()` is true; other layers get only `x` (and `key`).
    """

    def is_stateful(self) -> bool:
        """Whether `Sequential` should pass `state` to this layer."""
        return True

    @abc.abstractmethod
    def __call__(
        self, x: Any, state: State, *, key: PRNGKeyArray | None = None
    ) -> tuple[Any, State]:
        """Applies the layer, returning its output and the updated state."""


def accepts_key(layer: Callable[..., Any]) -> bool:
    """Whether `layer` can be called with a `key=` keyword argument."""
    try:
        signature = inspect.signature(layer)
    except (TypeError, ValueError):  # builtins and some C callables
        return False
    for param in signature.parameters.values():
        if param.kind is inspect.Parameter.VAR_KEYWORD:
            return True
        if param.name == "key" and param.kind in (
            inspect.Parameter.KEYWORD_ONLY,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
        ):
            return True
    return False


def call_layer(layer: Callable[..., Any], x: Any, key: PRNGKeyArray | None) -> Any:
    """`layer(x, key=key)`, or `layer(x)` if it takes no key."""
    return layer(x, key=key) if accepts_key(layer) else layer(x)


def _is_stateful(layer: Callable[..., Any]) -> bool:
    return isinstance(layer, StatefulLayer) and layer.is_stateful()


def _name(layer: Callable[..., Any]) -> str:
    return getattr(layer, "__name__", type(layer).__name__)


def _check_layers(layers: object) -> tuple[Callable[..., Any], ...]:
    if isinstance(layers, str) or not isinstance(layers, Sequence):
        raise TypeError(
            "Sequential: `layers` must be a sequence (list or tuple) of "
            f"callables, got {type(layers).__name__}."
        )
    items: Sequence[object] = layers  # pyright: ignore[reportUnknownVariableType]  # checked above
    for i, layer in enumerate(items):
        if not callable(layer):
            raise TypeError(
                f"Sequential: `layers[{i}]` must be callable, got {layer!r}."
            )
    return cast(tuple[Callable[..., Any], ...], tuple(items))  # each checked callable


def _check_index(i: object, length: int) -> None:
    if isinstance(i, bool) or not isinstance(i, int):
        raise TypeError(
            f"Sequential indices must be ints or slices, got {type(i).__name__}."
        )
    if not -length <= i < length:
        raise IndexError(f"Sequential index {i} out of range for {length} layers.")


class Sequential(StatefulLayer):
    """Calls its layers one after the other, each on the previous one's output.

    `key`, if given, is split into one key per layer and passed to every layer
    that accepts a `key` keyword. `state`, if given, is threaded through the
    stateful layers (see `StatefulLayer`), and the call then returns
    `(output, state)`. Supports `len`, iteration, indexing (a layer) and
    slicing (a `Sequential`).
    """

    layers: tuple[Callable[..., Any], ...]

    def __init__(self, layers: Sequence[Callable[..., Any]]) -> None:
        """`layers`: the callables to chain, e.g. modules or `Lambda`s."""
        self.layers = _check_layers(layers)

    def is_stateful(self) -> bool:
        """True if any of the layers is stateful."""
        return any(_is_stateful(layer) for layer in self.layers)

    @overload
    def __call__(
        self, x: Any, state: None = None, *, key: PRNGKeyArray | None = None
    ) -> Any: ...

    @overload
    def __call__(
        self, x: Any, state: State, *, key: PRNGKeyArray | None = None
    ) -> tuple[Any, State]: ...

    def __call__(
        self, x: Any, state: State | None = None, *, key: PRNGKeyArray | None = None
    ) -> Any | tuple[Any, State]:
        """Applies every layer in turn to `x` (an array or any pytree the
        layers accept)."""
        keys: list[PRNGKeyArray | None]
        if key is None or not self.layers:
            keys = [None] * len(self.layers)
        else:
            keys = list(jax.random.split(key, len(self.layers)))
        for i, (layer, layer_key) in enumerate(zip(self.layers, keys, strict=True)):
            if _is_stateful(layer):
                if state is None:
                    raise ValueError(
                        f"Sequential: layer {i} ({_name(layer)}) is stateful, so a "
                        "`state` must be passed: `model(x, state)`, with the state "
                        "from `eqx.nn.make_with_state`."
                    )
                x, state = layer(x, state, key=layer_key)
            elif accepts_key(layer):
                x = layer(x, key=layer_key)
            else:
                x = layer(x)
        return x if state is None else (x, state)

    @overload
    def __getitem__(self, i: int) -> Callable[..., Any]: ...

    @overload
    def __getitem__(self, i: slice) -> "Sequential": ...

    def __getitem__(self, i: int | slice) -> "Callable[..., Any] | Sequential":
        """`seq[i]` is layer `i`; `seq[a:b]` is a `Sequential` of those layers."""
        if isinstance(i, slice):
            return Sequential(self.layers[i])
        _check_index(i, len(self.layers))
        return self.layers[i]

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self) -> Iterator[Callable[..., Any]]:
        return iter(self.layers)
