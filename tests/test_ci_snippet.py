"""The README's CI snippet is what users copy: its `run:` commands, taken from
the README, must install this package and gate a project in a fresh
environment (clean code passes, a mistake fails the job).
"""

import re
from pathlib import Path

import pytest
from _fresh_env import ROOT, FreshEnv, copy_checkout, make_env

SNIPPET = re.compile(r"<!-- ci-snippet -->\n(?P<body>.*?)<!-- /ci-snippet -->", re.S)
RUN = re.compile(r"^\s*- run: (?P<command>.+)$", re.M)

CLEAN = """\
import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class Scale(eqx.Module):
    factor: Array

    def __call__(self, x: Array) -> Array:
        return self.factor * x


def double(x: Array) -> Array:
    return Scale(jnp.asarray(2.0))(x)
"""

TEST = """\
import jax.numpy as jnp

from src.model import double


def test_double() -> None:
    assert float(double(jnp.ones(()))) == 2.0
"""

MISTAKE = """\
import jax.numpy as jnp

from src.model import Scale


def reset(model: Scale) -> None:
    model.factor = jnp.asarray(0.0)
"""


def snippet_commands() -> list[str]:
    match = SNIPPET.search((ROOT / "README.md").read_text())
    assert match is not None, "README.md lost its <!-- ci-snippet --> markers"
    commands = [m.group("command").strip() for m in RUN.finditer(match["body"])]
    assert commands, "the CI snippet has no `- run:` step"
    return commands


def test_snippet_installs_from_source_not_the_index() -> None:
    install = snippet_commands()[0]
    assert install.startswith("pip install ./third_party/equinox "), install
    assert snippet_commands()[-1] == "eqx-typecheck src tests"


@pytest.fixture(scope="module")
def user_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A user's repository as CI checks it out: its code, and this package
    vendored at the snippet's path."""
    repo = tmp_path_factory.mktemp("user-repo")
    copy_checkout(repo / "third_party" / "equinox")
    (repo / "src").mkdir()
    (repo / "src" / "__init__.py").write_text("")
    (repo / "src" / "model.py").write_text(CLEAN)
    (repo / "tests").mkdir()
    (repo / "tests" / "__init__.py").write_text("")
    (repo / "tests" / "test_model.py").write_text(TEST)
    return repo


def _run_snippet(env: FreshEnv, repo: Path) -> list[tuple[str, int, str]]:
    """Each command as the CI runner runs it (bash, in the checkout)."""
    results: list[tuple[str, int, str]] = []
    for command in snippet_commands():
        done = env.run(["bash", "-e", "-c", command], repo)
        results.append((command, done.returncode, done.stdout + done.stderr))
        if done.returncode != 0:
            break
    return results


def test_snippet_passes_clean_code_and_fails_a_mistake(
    tmp_path_factory: pytest.TempPathFactory, user_repository: Path
) -> None:
    # setup-python's interpreter: a fresh environment first on PATH. The
    # project's tools follow it only because pip, seeing pyright already
    # installed through the shared dependencies, does not install its script.
    env = make_env(tmp_path_factory.mktemp("ci") / "venv")
    results = _run_snippet(env, user_repository)
    for command, status, output in results:
        assert status == 0, f"{command!r} exited {status}:\n{output}"
    assert results[-1][2].strip() == "Success: no issues found by mypy and pyright."
    installed = env.run(
        [env.python, "-c", "import equinox; print(equinox.__file__)"],
        user_repository,
    )
    assert installed.stdout.startswith(str(env.site_packages)), installed.stdout

    (user_repository / "src" / "broken.py").write_text(MISTAKE)
    try:
        gate = env.run(["bash", "-e", "-c", snippet_commands()[-1]], user_repository)
    finally:
        (user_repository / "src" / "broken.py").unlink()
    assert gate.returncode == 1, gate.stdout + gate.stderr
    assert "src/broken.py:7:5: error:" in gate.stdout
    assert "[mypy: eqx-frozen]" in gate.stdout
