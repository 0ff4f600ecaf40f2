"""Cost of the equinox mypy plugin: mypy --strict over typecheck/ and examples/
with the plugin against without it, cold cache (a fresh --cache-dir per run),
same files. Target: ratio <= 1.25.

    .venv/bin/python benchmarks/mypy_plugin.py [--repeat N]
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# fail/ reuses module names of reveal/, so it is timed in its own invocation.
GROUPS = [["typecheck/pass", "typecheck/reveal", "examples"], ["typecheck/fail"]]


def _config(directory: Path, with_plugin: bool) -> Path:
    lines = [
        "[mypy]",
        "python_version = 3.11",
        "strict = True",
        f"mypy_path = {ROOT / 'stubs'}",
        "[mypy-sklearn.*,optax.*]",
        "ignore_missing_imports = True",
    ]
    if with_plugin:
        lines.insert(1, "plugins = equinox.mypy")
    path = directory / ("with.ini" if with_plugin else "without.ini")
    path.write_text("\n".join(lines) + "\n")
    return path


def _cold_run(config: Path) -> float:
    """Seconds for mypy over every group, each group on a fresh cache."""
    total = 0.0
    for group in GROUPS:
        paths = [p for p in group if (ROOT / p).exists()]
        if not paths:
            continue
        with tempfile.TemporaryDirectory(prefix="eqx-mypy-bench-") as cache:
            start = time.perf_counter()
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "mypy",
                    "--config-file",
                    str(config),
                    "--cache-dir",
                    cache,
                    *paths,
                ],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
            total += time.perf_counter() - start
        if (
            done.returncode not in (0, 1)
            or "INTERNAL ERROR" in done.stdout + done.stderr
        ):
            raise RuntimeError(f"mypy failed:\n{done.stdout}\n{done.stderr}")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        with_plugin = _config(Path(scratch), True)
        without = _config(Path(scratch), False)
        plain: list[float] = []
        plugged: list[float] = []
        for _ in range(args.repeat):  # interleaved, so load drifts hit both
            plain.append(_cold_run(without))
            plugged.append(_cold_run(with_plugin))
    base, cost = min(plain), min(plugged)
    print(f"mypy without plugin (cold, best of {args.repeat}): {base:.2f} s")
    print(f"mypy with plugin    (cold, best of {args.repeat}): {cost:.2f} s")
    print(f"ratio: {cost / base:.3f}x (target <= 1.25x)")


if __name__ == "__main__":
    main()
