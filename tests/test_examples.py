"""Every example runs end to end in its quick mode (`--quick`), in a fresh
interpreter as the README runs them, reaches its target, prints what it
promises and writes its PNG figures (here into a temporary folder, so that
the committed full-run pictures stay as they are).

The neural ODE example needs diffrax: when it is not importable, the test
installs it next to this package (`pip install --no-deps` into a temporary
folder, by the session fixture in tests/conftest.py).
"""

import importlib.machinery
import importlib.util
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@dataclass(frozen=True)
class Expect:
    name: str  # the example's file
    line: str  # the start of a line it prints
    pngs: tuple[str, ...]  # the figures it writes
    at_least: float | None = None  # the number after `line`, lower bound
    at_most: float | None = None  # ... upper bound
    needs: str | None = None  # a module the example imports beyond [dev]


EXPECTED = [
    Expect("quickstart.py", "final loss", ("quickstart.png",), at_most=0.05),
    Expect("train_digits.py", "test accuracy", ("train_digits.png",), at_least=85),
    Expect(
        "stateful.py",
        "test accuracy (running statistics)",
        ("stateful.png",),
        at_least=85,
    ),
    Expect("rnn_digits.py", "test accuracy", ("rnn_digits.png",), at_least=80),
    Expect("transformer.py", "test accuracy", ("transformer.png",), at_least=90),
    Expect(
        "vae_digits.py",
        "test -ELBO",
        ("vae_digits.png", "vae_digits_samples.png"),
        at_most=36,
    ),
    Expect(
        "fine_tuning.py",
        "fine-tuned accuracy (odd or even)",
        ("fine_tuning.png",),
        at_least=85,
    ),
    Expect(
        "neural_ode.py",
        "test mean squared error",
        ("neural_ode.png", "neural_ode_trajectories.png"),
        at_most=0.05,
        needs="diffrax",
    ),
    Expect(
        "data_parallel.py",
        "data-parallel result matches the single-device",
        ("data_parallel.png",),
    ),
]


@pytest.fixture(scope="module")
def ecosystem(ecosystem_site: Path) -> list[str]:
    """Extra import paths holding diffrax & co. (the session's install)."""
    return [str(ecosystem_site)]


def run_example(name: str, out: Path, extra_paths: list[str] = []) -> str:  # noqa: B006  # read only
    paths = [*extra_paths, os.environ.get("PYTHONPATH", "")]
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / name), "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)},
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return result.stdout


def figure_after(prefix: str, out: str) -> float:
    """The first number after `prefix` on the line that starts with it."""
    line = next(x for x in out.splitlines() if x.startswith(prefix))
    return float(line[len(prefix) :].split()[0].rstrip("%"))


@pytest.mark.parametrize("expect", EXPECTED, ids=lambda e: e.name)
def test_example_quick_run(
    expect: Expect, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    extra: list[str] = []
    if expect.needs and importlib.util.find_spec(expect.needs) is None:
        extra = request.getfixturevalue("ecosystem")
        if importlib.machinery.PathFinder.find_spec(expect.needs, extra) is None:
            pytest.fail(f"{expect.name} needs {expect.needs}, not in the install")
    out = run_example(expect.name, tmp_path, extra)
    assert any(x.startswith(expect.line) for x in out.splitlines()), out
    if expect.at_least is not None:
        assert figure_after(expect.line, out) >= expect.at_least, out
    if expect.at_most is not None:
        assert figure_after(expect.line, out) <= expect.at_most, out
    for png in expect.pngs:
        assert (tmp_path / png).stat().st_size > 1000, png


def test_every_example_is_tested() -> None:
    examples = {p.name for p in EXAMPLES.glob("[!_]*.py")}
    assert examples == {e.name for e in EXPECTED}


def test_committed_figures_exist_and_are_small() -> None:
    for expect in EXPECTED:
        for png in expect.pngs:
            size = (EXAMPLES / png).stat().st_size
            assert 1000 < size < 200_000, (png, size)
