"""Cost of the equinox mypy plugin: mypy --strict over typecheck/ and examples/
with the plugin against without it, cold cache (a fresh --cache-dir per run),
same files. Target: ratio <= 1.25.

    .venv/bin/python benchmarks/mypy_plugin.py [--repeat N]
"""

import argparse
import resource
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


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cold_run(config: Path) -> tuple[float, float]:
    """(wall, CPU) seconds for mypy over every group, each on a fresh cache.
    CPU time is the steadier figure on a shared machine."""
    total = 0.0
    cpu_start = _child_cpu()
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
    return total, _child_cpu() - cpu_start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        with_plugin = _config(Path(scratch), True)
        without = _config(Path(scratch), False)
        plain: list[tuple[float, float]] = []
        plugged: list[tuple[float, float]] = []
        for _ in range(args.repeat):  # interleaved, so load drifts hit both
            plain.append(_cold_run(without))
            plugged.append(_cold_run(with_plugin))
    for label, index in (("wall", 0), ("CPU", 1)):
        base = min(run[index] for run in plain)
        cost = min(run[index] for run in plugged)
        print(
            f"{label:>4}: without plugin {base:.2f} s, with plugin {cost:.2f} s "
            f"(cold, best of {args.repeat}) -> ratio {cost / base:.3f}x (target <= 1.25x)"
        )


if __name__ == "__main__":
    main()
