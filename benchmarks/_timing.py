"""Timing shared by the benchmarks that compare Equinox with plain JAX.

A batch of calls is timed in wall-clock time and in CPU time of the calling
thread (the dispatch work itself, leaving out time spent descheduled on a
loaded machine). The sides run interleaved, a batch of each per round, in one
process, so background load falls on all alike; they are compared by the
ratios of their best and of their median batches.
"""

import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, TypeVar

import jax

T = TypeVar("T")


class Sample(NamedTuple):
    """Seconds per call over one batch of calls."""

    wall: float
    cpu: float


class Stopwatch:
    """Started when made; `per_call` reads the time since then."""

    def __init__(self) -> None:
        self._wall = time.perf_counter()
        self._cpu = time.thread_time()

    def per_call(self, number: int) -> Sample:
        """The time since the start, divided among `number` calls."""
        return Sample(
            (time.perf_counter() - self._wall) / number,
            (time.thread_time() - self._cpu) / number,
        )


def block(tree: Any) -> None:
    """Waits until every array in `tree` is computed."""
    for leaf in jax.tree_util.tree_leaves(tree):
        if isinstance(leaf, jax.Array):
            leaf.block_until_ready()


def interleave(
    sides: Sequence[Callable[[], T]], rounds: int, *, rotate: bool = False
) -> list[list[T]]:
    """Each side's samples over `rounds` rounds of one batch per side, in the
    order given, or with `rotate` starting one side later each round."""
    samples: list[list[T]] = [[] for _ in sides]
    order = list(range(len(sides)))
    for r in range(rounds):
        shift = r % len(sides) if rotate else 0
        for index in order[shift:] + order[:shift]:
            samples[index].append(sides[index]())
    return samples


class Ratio(NamedTuple):
    """Our figures against the baseline's."""

    ours_best: float
    base_best: float
    best: float
    median: float


def ratio(ours: Sequence[float], base: Sequence[float]) -> Ratio:
    """The best (smallest) figures of each side, and the ratios ours / base of
    the best and of the medians."""
    return Ratio(
        min(ours),
        min(base),
        min(ours) / min(base),
        statistics.median(ours) / statistics.median(base),
    )
