"""Command-line options every example takes: `--quick` and `--out`."""

import argparse
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Options:
    quick: bool  # a short run for the test suite, with a lower target
    out: Path  # where the PNG plots go

    def png(self, name: str) -> Path:
        self.out.mkdir(parents=True, exist_ok=True)
        return self.out / name


def parse_options(description: str) -> Options:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a short run (fewer steps, lower target), as the test suite runs it",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=HERE,
        help="folder for the PNG plots (default: next to the example)",
    )
    args = parser.parse_args()
    return Options(quick=bool(args.quick), out=Path(args.out))
