"""Cost of static shape/dtype checking: mypy --strict over typecheck/, examples/
and equinox/ with the shape plugin against no plugin, each on a cold cache.

Three configurations, interleaved so machine load drifts hit all of them:
no plugin (baseline), the shape plugin alone, and the full `equinox.mypy`
plugin (Module semantics + shapes). Each is timed in CPU seconds of the mypy
processes (user + system, robust to other load on a shared machine) and in
wall seconds. Target: shapes-alone / baseline <= 1.25.

    .venv/bin/python benchmarks/mypy_shapes.py [--repeat N]
"""

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# typecheck/fail reuses module names of other folders: its own invocation.
RUNS = [
    ["typecheck/pass", "typecheck/reveal", "examples", "equinox"],
    ["typecheck/fail"],
]
_ENTRY = """\
from equinox._mypy_shapes import ShapePlugin


def plugin(version: str) -> type[ShapePlugin]:
    return ShapePlugin
"""


def _write_config(scratch: Path, name: str, plugin: str | None) -> Path:
    lines = [
        "[mypy]",
        "python_version = 3.11",
        "strict = True",
        f"mypy_path = {ROOT / 'stubs'}",
    ]
    if plugin is not None:
        lines.append(f"plugins = {plugin}")
    lines += ["[mypy-sklearn.*,optax.*]", "ignore_missing_imports = True"]
    path = scratch / f"{name}.ini"
    path.write_text("\n".join(lines) + "\n")
    return path


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _time_cold(config: Path) -> tuple[float, float]:
    """(CPU, wall) seconds of mypy over every run, each on a fresh cache."""
    cpu = wall = 0.0
    for paths in RUNS:
        present = [p for p in paths if (ROOT / p).exists()]
        if not present:
            continue
        with tempfile.TemporaryDirectory(prefix="eqx-shapes-bench-") as cache:
            command = [sys.executable, "-m", "mypy", "--config-file", str(config)]
            start, cpu_start = time.perf_counter(), _cpu_of_children()
            done = subprocess.run(
                [*command, "--cache-dir", cache, *present],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
            wall += time.perf_counter() - start
            cpu += _cpu_of_children() - cpu_start
        output = done.stdout + done.stderr
        if done.returncode not in (0, 1) or "INTERNAL ERROR" in output:
            raise RuntimeError(f"mypy failed with {config.name}:\n{output}")
    return cpu, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        entry = scratch / "shapes_only.py"
        entry.write_text(_ENTRY)
        configs = {
            "no plugin": _write_config(scratch, "none", None),
            "shape plugin": _write_config(scratch, "shapes", str(entry)),
            "equinox.mypy": _write_config(scratch, "full", "equinox.mypy"),
        }
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in configs}
        for _ in range(args.repeat):
            for name, config in configs.items():
                times[name].append(_time_cold(config))
    cpu = {name: min(c for c, _ in values) for name, values in times.items()}
    wall = {name: min(w for _, w in values) for name, values in times.items()}
    for name in configs:
        print(
            f"{name:>13} (cold, best of {args.repeat}):"
            f" {cpu[name]:7.2f} s CPU  {wall[name]:7.2f} s wall"
        )
    for key, label in (("shape plugin", "shapes"), ("equinox.mypy", "equinox.mypy")):
        print(
            f"ratio {label}/none: {cpu[key] / cpu['no plugin']:.3f}x CPU,"
            f" {wall[key] / wall['no plugin']:.3f}x wall (target <= 1.25x)"
        )


if __name__ == "__main__":
    main()
