"""What users see in their editor: pyright's and Pyrefly's language servers,
driven over stdio as an editor drives them (initialize, open a file, ask for
completions and hovers).
"""

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from _lsp import LspClient

import equinox as eqx

SOURCE = """\
import jax
import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class Model(eqx.Module):
    layers: list[eqx.nn.Linear]
    scale: float

    def __call__(self, x: Array) -> Array:
        for layer in self.layers:
            x = layer(x)
        return self.scale * x


def loss(model: Model, x: Array) -> Array:
    return jnp.sum(model(x))


model = Model([eqx.nn.Linear(2, 2, key=jax.random.key(0))], 1.0)
grads = eqx.filter_grad(loss)(model, jnp.ones(2))
grads.layers[0].weight
model.scale
eqx.nn.Linear
"""


def _position(after: str) -> tuple[int, int]:
    """(line, character) just after the first occurrence of `after` at the
    start of a line of SOURCE."""
    for number, line in enumerate(SOURCE.splitlines()):
        if line.startswith(after):
            return number, len(after)
    raise AssertionError(f"{after!r} not in SOURCE")


def _eqx_nn_names() -> list[str]:
    return sorted(name for name in dir(eqx.nn) if not name.startswith("_"))


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _servers() -> dict[str, list[str]]:
    here = Path(sys.executable).parent
    found: dict[str, list[str]] = {}
    pyright = shutil.which("pyright-langserver", path=str(here))
    if pyright is not None:
        found["pyright"] = [pyright, "--stdio"]
    pyrefly = shutil.which("pyrefly", path=str(here))
    if pyrefly is not None:
        found["pyrefly"] = [pyrefly, "lsp"]
    return found


SERVERS = _servers()


def _settings(section: str) -> object:
    """What an editor answers to the server's `workspace/configuration`."""
    if section == "python":
        return {"pythonPath": sys.executable}
    if section == "python.analysis":
        return {"typeCheckingMode": "standard"}
    return {}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("editor-workspace")
    (root / "main.py").write_text(SOURCE)
    venv = Path(sys.prefix)
    (root / "pyrightconfig.json").write_text(
        f'{{"venvPath": "{venv.parent}", "venv": "{venv.name}"}}\n'
    )
    (root / "pyrefly.toml").write_text(
        f'python-interpreter-path = "{sys.executable}"\n'
    )
    return root


@pytest.fixture(scope="module", params=["pyright", "pyrefly"])
def server(request: pytest.FixtureRequest, workspace: Path) -> Iterator[LspClient]:
    name: str = request.param
    if name not in SERVERS:
        pytest.fail(
            f"{name}'s language server is not installed (pip install -e '.[dev]')"
        )
    client = LspClient(SERVERS[name], workspace, _settings)
    try:
        client.initialize(workspace)
        client.open(workspace / "main.py")
        yield client
    finally:
        client.close()


def test_layer_attributes_after_filter_grad(server: LspClient, workspace: Path) -> None:
    labels = server.completion_labels(
        workspace / "main.py", *_position("grads.layers[0].")
    )
    assert {"weight", "bias", "in_features", "out_features"} <= set(labels), labels


def test_fields_of_a_user_module(server: LspClient, workspace: Path) -> None:
    labels = server.completion_labels(workspace / "main.py", *_position("model."))
    assert {"layers", "scale"} <= set(labels), labels


def test_no_private_names_on_an_instance(server: LspClient, workspace: Path) -> None:
    labels = server.completion_labels(workspace / "main.py", *_position("model."))
    assert "_eqx_rebuild_token" not in labels
    private = sorted(name for name in labels if _is_private(name))
    assert not private, private


def test_every_eqx_nn_name(server: LspClient, workspace: Path) -> None:
    labels = set(server.completion_labels(workspace / "main.py", *_position("eqx.nn.")))
    missing = [name for name in _eqx_nn_names() if name not in labels]
    assert not missing, missing
    assert {"Linear", "Conv2d", "MLP", "LSTMCell", "BatchNorm"} <= labels


def test_hover_shows_a_layer_constructor(server: LspClient, workspace: Path) -> None:
    # Hovering the class in a constructor call, as a user does to see what
    # to pass; the signature, not the docstring below it, must name them all.
    line, character = _position("model = Model([eqx.nn.")
    text = server.hover_text(workspace / "main.py", line, character + 2)
    signature = text.split("---")[0]
    assert "Linear" in signature, text
    for parameter in ("in_features", "out_features", "use_bias", "dtype", "key"):
        assert parameter in signature, text
