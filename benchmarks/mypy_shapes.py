"""Cost of static shape/dtype checking: mypy --strict over typecheck/, examples/
and equinox/ with the shape plugin against no plugin, each on a cold cache.

Three configurations, interleaved so machine load drifts hit all of them:
no plugin (baseline), the shape plugin alone, and the full `equinox.mypy`
plugin (Module semantics + shapes). Each is timed in CPU seconds of the mypy
processes (user + system, robust to other load on a shared machine) and in
wall seconds. Target: shapes-alone / baseline <= 1.25.

    .venv/bin/python benchmarks/mypy_shapes.py [--repeat N]

With `--ecosystem DIR` (e.g. after `pip install --no-deps --target DIR diffrax
optimistix lineax flowjax paramax`) it times those packages' sources instead,
in mypy's default (non-strict) mode, and lists every error reported only with
a plugin: on code nobody here wrote, each one is a finding to classify.
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


ECOSYSTEM = ["diffrax", "optimistix", "lineax", "flowjax", "paramax"]


def _write_config(
    scratch: Path, name: str, plugin: str | None, strict: bool = True
) -> Path:
    lines = [
        "[mypy]",
        "python_version = 3.11",
        f"strict = {strict}",
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


def _time_cold(config: Path, runs: list[list[str]]) -> tuple[float, float, set[str]]:
    """(CPU, wall) seconds of mypy over every run, each on a fresh cache, and
    the error lines it printed."""
    cpu = wall = 0.0
    errors: set[str] = set()
    for paths in runs:
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
        errors |= {line for line in output.splitlines() if ": error: " in line}
    return cpu, wall, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--ecosystem", type=Path, default=None)
    args = parser.parse_args()
    runs = RUNS
    strict = args.ecosystem is None
    if args.ecosystem is not None:
        runs = [[str(args.ecosystem.resolve() / name) for name in ECOSYSTEM]]
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        entry = scratch / "shapes_only.py"
        entry.write_text(_ENTRY)
        configs = {
            "no plugin": _write_config(scratch, "none", None, strict),
            "shape plugin": _write_config(scratch, "shapes", str(entry), strict),
            "equinox.mypy": _write_config(scratch, "full", "equinox.mypy", strict),
        }
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in configs}
        errors: dict[str, set[str]] = {}
        for _ in range(args.repeat):
            for name, config in configs.items():
                cpu_s, wall_s, found = _time_cold(config, runs)
                times[name].append((cpu_s, wall_s))
                errors[name] = found
    cpu = {name: min(c for c, _ in values) for name, values in times.items()}
    wall = {name: min(w for _, w in values) for name, values in times.items()}
    for name in ("shape plugin", "equinox.mypy"):
        only = sorted(errors[name] - errors["no plugin"])
        print(f"errors only with {name}: {len(only)}")
        for line in only:
            print("  " + line)
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
