"""Fresh virtual environments in which this package comes from one install
layout (a built wheel, an editable install, or nothing: a source checkout).

Building JAX's wheels again for every test would take minutes, so a fresh
environment sees the project environment's site-packages through a `.pth`
file appended after its own: its dependencies (jax, mypy, pyright, …) come
from there, but `equinox` itself is whatever the test installed, found first.
"""

import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT_BIN = Path(sys.executable).parent
TIMEOUT = 600
MYPY_CACHE = ROOT / ".mypy_cache" / "fresh-env"


@dataclass(frozen=True)
class FreshEnv:
    prefix: Path
    # Set in every command run here (PYTHONPATH for a source checkout).
    extra_env: tuple[tuple[str, str], ...] = ()

    @property
    def bin(self) -> Path:
        return self.prefix / "bin"

    @property
    def python(self) -> Path:
        return self.bin / "python"

    @property
    def site_packages(self) -> Path:
        version = f"python{sys.version_info.major}.{sys.version_info.minor}"
        return self.prefix / "lib" / version / "site-packages"

    def environ(self, *, project_tools: bool = True) -> dict[str, str]:
        """This environment first on PATH; the project's checkers (pyright,
        pyrefly, ty are executables) after it unless `project_tools=False`."""
        env = {k: v for k, v in os.environ.items() if k not in _LEAKY}
        path = [str(self.bin)]
        if project_tools:
            path.append(str(PROJECT_BIN))
        path.append("/usr/bin:/bin")
        env["PATH"] = os.pathsep.join(path)
        env["VIRTUAL_ENV"] = str(self.prefix)
        # One mypy cache for every environment and session: jax (the bulk of
        # the work, same files everywhere) is analysed once, not per run.
        env["MYPY_CACHE_DIR"] = str(MYPY_CACHE / "gate")
        return env | dict(self.extra_env)

    def run(
        self,
        command: Sequence[str | Path],
        cwd: Path,
        *,
        project_tools: bool = True,
        extra_env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        env = self.environ(project_tools=project_tools) | (extra_env or {})
        return subprocess.run(
            [str(c) for c in command],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )

    def pip_install(self, *args: str | Path) -> None:
        done = self.run(
            [self.python, "-m", "pip", "install", "-q", "--no-deps", *args], cwd=ROOT
        )
        assert done.returncode == 0, done.stdout + done.stderr


# Variables that would point a child at the project's own environment.
_LEAKY = frozenset({"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "MYPYPATH"})


def make_env(prefix: Path) -> FreshEnv:
    """A new virtual environment at `prefix` seeing the project's dependencies."""
    subprocess.run(
        [sys.executable, "-m", "venv", str(prefix)], check=True, timeout=TIMEOUT
    )
    env = FreshEnv(prefix)
    deps = sysconfig.get_paths()["purelib"]
    (env.site_packages / "zz_project_dependencies.pth").write_text(deps + "\n")
    return env


def build_wheel(outdir: Path) -> Path:
    """This checkout built into a wheel (as `pip wheel .` does for users)."""
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", ROOT, "-w", outdir],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = outdir.glob("equinox-*.whl")
    return wheel


def copy_checkout(destination: Path) -> Path:
    """The tracked and untracked-but-not-ignored files of this checkout."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=TIMEOUT,
    ).stdout.split(b"\0")
    for raw in filter(None, listed):
        source = ROOT / raw.decode()
        target = destination / raw.decode()
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the working tree
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, target)
    return destination
