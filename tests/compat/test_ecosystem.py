"""The ecosystem runs on this package: diffrax, optimistix, lineax, flowjax
and quax are installed next to it (`pip install --no-deps`; their other
dependencies are the `compat` extra) and one realistic program per library
runs in a subprocess. Every figure it prints must match the figure the same
program printed with the original Equinox 0.13.8 (frozen below; regenerate
with `python ../shared/tools/differential.py tests/compat/programs/X.py`).

Needs the package index (pip); a failed install fails the test.
"""

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROGRAMS = Path(__file__).parent / "programs"
RTOL = 2e-4
ATOL = 1e-6

EXPECTED: dict[str, list[str]] = {
    "diffrax": [
        "y(2) 1.35335e-01",
        "num_steps 10 result True",
        "ys(ts) 1.00000e+00 6.06530e-01 3.67879e-01 2.23130e-01 1.35335e-01",
        "grad_recursive 1.35335e-01 -2.70670e-01",
        "grad_recursive_ckpt4 1.35335e-01 -2.70670e-01",
        "grad_backsolve 1.35335e-01 -2.70671e-01",
        "vmap_y0 3.67879e-01 7.35759e-01 -1.10364e+00",
        "vmap_grad_k -7.35758e-01 -2.70670e-01",
    ],
    "optimistix": [
        "newton_root 1.25992e+00",
        "newton_ok True steps 5",
        "newton_vector 1.41421e+00 1.41421e+00",
        "grad_root 2.09987e-01",
        "lm_params 1.99982e+00 1.49839e+00",
        "bfgs_min 1.00000e+00 1.00000e+00",
        "bfgs_ok True",
        "vmap_roots 1.00000e+00 2.00000e+00 3.00000e+00",
    ],
    "lineax": [
        "lu 2.22222e-01 1.11111e-01 1.44444e+00",
        "qr 2.22222e-01 1.11111e-01 1.44444e+00",
        "cholesky 2.22222e-01 1.11111e-01 1.44444e+00",
        "cg_matrix 2.22222e-01 1.11111e-01 1.44444e+00",
        "cg_function 2.22222e-01 1.11111e-01 1.44444e+00",
        "lu_function 2.22222e-01 1.11111e-01 1.44444e+00",
        "auto_ok True",
        "grad_b_lu 2.22222e-01 1.11111e-01 4.44444e-01",
        "grad_A_lu -4.93827e-02 -2.46914e-02 -3.20988e-01 -2.46914e-02 -1.23457e-02 -1.60494e-01 -9.87654e-02 -4.93827e-02 -6.41975e-01",
        "grad_b_cg 2.22222e-01 1.11111e-01 4.44444e-01",
        "vmap_lu 2.22222e-01 1.11111e-01 1.44444e+00 4.44444e-01 2.22222e-01 2.88889e+00 -1.11111e-01 4.44444e-01 -2.22222e-01",
        "vmap_cg 2.22222e-01 1.11111e-01 1.44444e+00 4.44444e-01 2.22222e-01 2.88889e+00 -1.11111e-01 4.44444e-01 -2.22222e-01",
        "jvp_lu 2.22222e-01 1.11111e-01 4.44444e-01",
    ],
    "flowjax": [
        "num_leaves 6",
        "log_prob_before -2.3026e+00 -2.6132e+00 -5.6617e+00",
        "train_loss_first_last 3.7653e+00 2.3133e+00",
        "log_prob_after -1.5919e+00 -1.6134e+00 -2.1373e+00",
        "sample_mean 1.1297e+00 -9.6971e-01",
    ],
    "quax": [
        "mlp 1.9377e-01 1.5653e-01",
        "lora_mlp -7.6707e-03 2.6011e-01",
        "loss_before 3.1935e-01",
        "loss_after 1.6302e-01",
    ],
    "diffrax_extra": [
        "direct_grad -1.10363e+00",
        "steps 1.00000e-01 5.09621e-01 9.22591e-01 1.00000e+00",
        "dense 6.90733e-01 1.38147e+00",
        "kvaerno5 3.67882e-01 7.35764e-01",
        "kvaerno5_grad -1.10360e+00",
        "jvp_direct -3.67875e-01 -7.35751e-01",
        "forward_mode -3.67875e-01 -7.35751e-01",
        "event 9.22591e-01",
        "max_steps raises EquinoxRuntimeError",
    ],
    "optimistix_lineax_extra": [
        "gmres 2.2222e-01 1.1111e-01 1.4444e+00",
        "bicgstab 2.2222e-01 1.1111e-01 1.4444e+00",
        "svd 2.2222e-01 1.1111e-01 1.4444e+00",
        "normalcg 2.2222e-01 1.1111e-01 1.4444e+00",
        "diag 1.0000e+00 1.0000e+00 7.5000e-01",
        "jacop 1.6262e-01 3.0073e-01 5.7431e-01",
        "tridiag 2.2222e-01 1.1111e-01 1.4444e+00",
        "jvp cg -1.2963e-01 2.9630e-01 -8.7037e-01",
        "gn 1.0000e+00 2.0000e+00",
        "dogleg 5.2360e-01 2.0136e-01",
        "nelder 1.0000e+00 2.0000e+00",
        "bisection 1.2599e+00",
        "chord 1.2599e+00",
        "fixed 7.3908e-01",
        "bestsofar 1.0000e+00 1.0000e+00",
        "nonlinear_cg 5.8984e-01 5.8984e-01",
        "vmap grad lm 1.0050e+00 1.0483e+00",
        "throw false 0.0000e+00",
    ],
}


@pytest.fixture(scope="session")
def ecosystem(ecosystem_site: Path) -> Path:
    return ecosystem_site


def _run(program: str, site: Path) -> list[str]:
    env = dict(os.environ, PYTHONPATH=str(site))
    result = subprocess.run(
        [sys.executable, str(PROGRAMS / f"{program}_program.py")],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.splitlines()


def _same(got: str, want: str) -> bool:
    got_words, want_words = got.split(), want.split()
    if len(got_words) != len(want_words):
        return False
    for g, w in zip(got_words, want_words, strict=True):
        try:
            gf, wf = float(g), float(w)
        except ValueError:
            if g != w:
                return False
            continue
        if not math.isclose(gf, wf, rel_tol=RTOL, abs_tol=ATOL):
            return False
    return True


@pytest.mark.parametrize("program", sorted(EXPECTED))
def test_program_matches_equinox(program: str, ecosystem: Path) -> None:
    lines = _run(program, ecosystem)
    expected = EXPECTED[program]
    assert len(lines) == len(expected), "\n".join(lines)
    for got, want in zip(lines, expected, strict=True):
        assert _same(got, want), f"{program}: got {got!r}, Equinox printed {want!r}"


def test_comparison_is_strict() -> None:
    assert _same("x 1.00000e+00 True", "x 1.00001e+00 True")
    assert not _same("x 1.00000e+00", "x 1.01000e+00")
    assert not _same("x True", "x False")
    assert not _same("x 1.0", "x 1.0 2.0")
