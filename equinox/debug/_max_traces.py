"""`assert_max_traces` / `get_num_traces`: catch accidental recompilation.

The wrapper counts how often its body runs. Under `jax.jit`/`eqx.filter_jit`
the body only runs while tracing, so the count is the number of traces.
"""

import functools
import threading
from collections.abc import Callable
from typing import Any, Final, ParamSpec, TypeVar, overload

_P = ParamSpec("_P")
_R = TypeVar("_R")

# Where the wrapper keeps its counter (read by `get_num_traces`).
_COUNTER_ATTR: Final = "__eqx_trace_counter__"


class _TraceCounter:
    __slots__ = ("count", "lock", "max_traces", "name")

    def __init__(self, name: str, max_traces: int | None) -> None:
        self.name = name
        self.max_traces = max_traces
        self.count = 0
        self.lock = threading.Lock()

    def tick(self) -> None:
        with self.lock:
            self.count += 1
            count = self.count
        if self.max_traces is not None and count > self.max_traces:
            raise RuntimeError(
                f"{self.name} was traced {count} times, more than "
                f"max_traces={self.max_traces}. Something it is called with "
                "changes between calls (an array's shape or dtype, or a static "
                "Python value), causing recompilation."
            )


def _describe(fn: Callable[..., Any]) -> str:
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None)
    return f"function '{name}'" if name else repr(fn)


def _wrap(fn: Callable[_P, _R], max_traces: int | None) -> Callable[_P, _R]:
    if max_traces is not None and (
        isinstance(max_traces, bool)
        or not isinstance(max_traces, int)  # pyright: ignore[reportUnnecessaryIsInstance]  # run-time check of user input
        or max_traces < 0
    ):
        raise ValueError(
            f"assert_max_traces: `max_traces` must be a non-negative int or None; "
            f"got {max_traces!r}."
        )
    counter = _TraceCounter(_describe(fn), max_traces)

    @functools.wraps(fn)
    def counted(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        counter.tick()
        return fn(*args, **kwargs)

    setattr(counted, _COUNTER_ATTR, counter)
    return counted


@overload
def assert_max_traces(
    fn: Callable[_P, _R], *, max_traces: int | None
) -> Callable[_P, _R]: ...


@overload
def assert_max_traces(
    fn: None = None, *, max_traces: int | None
) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]: ...


def assert_max_traces(
    fn: Callable[_P, _R] | None = None, *, max_traces: int | None
) -> Callable[_P, _R] | Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Raise a `RuntimeError` naming `fn` once it is traced more than
    `max_traces` times (None: only count).

    Put it *inside* the JIT: `eqx.filter_jit(eqx.debug.assert_max_traces(f,
    max_traces=1))`, or as a decorator below `@eqx.filter_jit`. Every run of
    the wrapped function counts, so without JIT each call is a "trace".
    """
    if fn is None:

        def decorator(f: Callable[_P, _R]) -> Callable[_P, _R]:
            return _wrap(f, max_traces)

        return decorator
    return _wrap(fn, max_traces)


def _find_counter(fn: object) -> _TraceCounter | None:
    seen: set[int] = set()
    while fn is not None and id(fn) not in seen:
        seen.add(id(fn))
        counter = getattr(fn, _COUNTER_ATTR, None)
        if isinstance(counter, _TraceCounter):
            return counter
        fn = getattr(fn, "__wrapped__", None)
    return None


def get_num_traces(fn: Callable[..., Any]) -> int:
    """How many times a function wrapped with `assert_max_traces` has been
    traced. `fn` may be the wrapper itself or anything wrapping it that sets
    `__wrapped__` (such as `eqx.filter_jit` or `functools.wraps`)."""
    counter = _find_counter(fn)
    if counter is None:
        raise ValueError(
            f"get_num_traces: {_describe(fn)} is not wrapped with "
            "eqx.debug.assert_max_traces, so its traces are not counted."
        )
    with counter.lock:
        return counter.count
