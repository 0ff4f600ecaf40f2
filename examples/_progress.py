"""A typed face for tqdm's progress bar (tqdm ships no type information)."""

from collections.abc import Iterator
from typing import Any

from tqdm import tqdm  # type: ignore[import-untyped, unused-ignore]  # no stubs


class Progress:
    """Counts `0 .. count - 1` with a tqdm bar; `report` shows the latest
    figures next to it."""

    def __init__(self, count: int, desc: str) -> None:
        self._bar: Any = tqdm(range(count), desc=desc, dynamic_ncols=True)

    def __iter__(self) -> Iterator[int]:
        steps: Iterator[int] = iter(self._bar)
        return steps

    def report(self, **figures: float) -> None:
        shown = {
            name: str(value) if isinstance(value, int) else f"{value:.4f}"
            for name, value in figures.items()
        }
        # Shown at tqdm's next refresh (every 0.1 s), not on every step.
        self._bar.set_postfix(shown, refresh=False)
