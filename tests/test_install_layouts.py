"""The package as users get it: a built wheel, an editable install, a source
checkout. In each, `eqx-typecheck` run from a directory outside the source tree
must report a bad file's errors (exit 1) and pass a good one (exit 0), and plain
mypy must read `equinox` as a typed package.
"""

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from _fresh_env import (
    MYPY_CACHE,
    ROOT,
    FreshEnv,
    build_wheel,
    copy_checkout,
    make_env,
)

BAD = """\
import jax.numpy as jnp
from jaxtyping import Array, Float

import equinox as eqx


class Scale(eqx.Module):
    factor: Array

    def reset(self) -> None:
        self.factor = jnp.asarray(1.0)


def matmul(a: Float[Array, "n k"], b: Float[Array, "k m"]) -> Float[Array, "n m"]:
    return a @ b


x: Float[Array, "2 3"] = jnp.zeros((2, 3))
y: Float[Array, "3 7"] = jnp.zeros((3, 7))
matmul(y, x)
"""

GOOD = """\
import jax
import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class Scale(eqx.Module):
    factor: Array

    def __call__(self, x: Array) -> Array:
        return self.factor * x


layer = eqx.nn.Linear(3, 2, key=jax.random.key(0))
print(layer(Scale(jnp.asarray(2.0))(jnp.ones(3))))
"""

# Plain mypy, no config of the user's: the package must be found as typed
# (py.typed), never "installed, but missing library stubs or py.typed marker".
USES_NN = """\
import jax

import equinox as eqx

layer = eqx.nn.Linear(2, 3, key=jax.random.key(0))
reveal_type(layer.weight)
"""


@pytest.fixture(scope="module")
def user_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("user-project")
    (project / "bad.py").write_text(BAD)
    (project / "good.py").write_text(GOOD)
    (project / "uses_nn.py").write_text(USES_NN)
    return project


@pytest.fixture(scope="module")
def wheel_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FreshEnv]:
    wheel = build_wheel(tmp_path_factory.mktemp("dist"))
    env = make_env(tmp_path_factory.mktemp("wheel") / "venv")
    env.pip_install(wheel)
    yield env


@pytest.fixture(scope="module")
def editable_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FreshEnv]:
    checkout = copy_checkout(tmp_path_factory.mktemp("checkout"))
    env = make_env(tmp_path_factory.mktemp("editable") / "venv")
    env.pip_install("-e", checkout)
    yield env


def _equinox_file(env: FreshEnv, cwd: Path) -> Path:
    done = env.run([env.python, "-c", "import equinox; print(equinox.__file__)"], cwd)
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip())


def _assert_gate(env: FreshEnv, project: Path, command: list[str | Path]) -> None:
    bad = env.run([*command, "bad.py"], project)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "bad.py:11:9: error: Cannot assign to field" in bad.stdout
    assert "[mypy: eqx-frozen]" in bad.stdout
    assert 'bad.py:20:11: error: Argument "b" to "matmul" has shape' in bad.stdout
    assert "[mypy: jaxtyping-shape]" in bad.stdout
    good = env.run([*command, "good.py"], project)
    assert good.returncode == 0, good.stdout + good.stderr
    assert good.stdout.strip() == "Success: no issues found by mypy and pyright."


def _assert_mypy_reads_equinox(env: FreshEnv, project: Path) -> None:
    cache = MYPY_CACHE / "plain"  # options differ from the gate's
    done = env.run(
        [env.python, "-m", "mypy", "--strict", "--cache-dir", cache, "uses_nn.py"],
        project,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert 'Revealed type is "jax._src.basearray.Array"' in done.stdout


def test_wheel_install_comes_from_the_wheel(
    wheel_env: FreshEnv, user_project: Path
) -> None:
    path = _equinox_file(wheel_env, user_project)
    assert path.parent == wheel_env.site_packages / "equinox"
    stubs = wheel_env.site_packages / "equinox" / "_stubs" / "jaxlib" / "_jax"
    assert (stubs / "pytree.pyi").is_file()
    assert (wheel_env.site_packages / "equinox" / "py.typed").is_file()


def test_wheel_install_gate(wheel_env: FreshEnv, user_project: Path) -> None:
    _assert_gate(wheel_env, user_project, [wheel_env.bin / "eqx-typecheck"])


def test_wheel_install_module_entry_point(
    wheel_env: FreshEnv, user_project: Path
) -> None:
    done = wheel_env.run(
        [wheel_env.python, "-m", "equinox.typecheck", "bad.py", "--checkers", "mypy"],
        user_project,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "[mypy: eqx-frozen]" in done.stdout


def test_wheel_install_mypy_reads_equinox(
    wheel_env: FreshEnv, user_project: Path
) -> None:
    _assert_mypy_reads_equinox(wheel_env, user_project)


def test_wheel_install_missing_checker_is_exit_2(
    wheel_env: FreshEnv, user_project: Path
) -> None:
    # Without the project's tools on PATH, ty is nowhere to be found.
    done = wheel_env.run(
        [wheel_env.bin / "eqx-typecheck", "good.py", "--checkers", "pyright,ty"],
        user_project,
        project_tools=False,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "ty is not installed (pip install ty)" in done.stderr
    assert "Success" not in done.stdout


def test_editable_install_layout(editable_env: FreshEnv, user_project: Path) -> None:
    path = _equinox_file(editable_env, user_project)
    assert editable_env.site_packages not in path.parents  # from the checkout
    # Nothing of ours in site-packages but metadata and the path hook: an
    # `equinox/` folder there (stubs, say) shadows the checkout for mypy.
    assert not (editable_env.site_packages / "equinox").exists()


def test_editable_install_gate(editable_env: FreshEnv, user_project: Path) -> None:
    _assert_gate(editable_env, user_project, [editable_env.bin / "eqx-typecheck"])


def test_editable_install_mypy_reads_equinox(
    editable_env: FreshEnv, user_project: Path
) -> None:
    _assert_mypy_reads_equinox(editable_env, user_project)


def test_source_checkout_gate(
    tmp_path_factory: pytest.TempPathFactory, user_project: Path
) -> None:
    # Nothing installed: the checkout is on PYTHONPATH, the gate runs from
    # elsewhere and finds the stubs and plugin inside the package.
    env = make_env(tmp_path_factory.mktemp("plain") / "venv")
    absent = env.run([env.python, "-c", "import equinox"], user_project)
    assert absent.returncode == 1 and "No module named 'equinox'" in absent.stderr
    env = dataclasses.replace(env, extra_env=(("PYTHONPATH", str(ROOT)),))
    assert _equinox_file(env, user_project) == ROOT / "equinox" / "__init__.py"
    _assert_gate(env, user_project, [env.python, "-m", "equinox.typecheck"])
