"""Freeze Equinox 0.13.8's results for `parity_cases` into `reference.npz`.

Run under a virtual environment holding the reference Equinox (never ours):
`/tmp/eqx-ref-venv/bin/python tests/nn/parity/make_reference.py [case ...]`
(with case names, only those are recomputed). For each case
it stores the parameter and state arrays in leaf order (`{case}/p{i}`), the
outputs (`{case}/y{i}`), their dtype names (`{case}/p_dtypes`, `{case}/y_dtypes`) and the bytes `tree_serialise_leaves` writes for
`(model, state)` (`{case}/ckpt`).
"""

import io
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from parity_cases import CASES, arrays, key_for

import equinox as eqx

HERE = Path(__file__).parent


def _store(out: dict[str, Any], prefix: str, values: list[Any]) -> None:
    """Arrays `{prefix}{i}`, and their dtype names in `{prefix}_dtypes` (npz
    keeps bfloat16 & co. only as raw bytes)."""
    for i, value in enumerate(values):
        out[f"{prefix}{i}"] = np.asarray(value)
    out[f"{prefix}_dtypes"] = np.array([str(v.dtype) for v in values], dtype=str)


def main() -> None:
    if "site-packages" not in eqx.__file__:
        sys.exit(f"run this under the reference Equinox, got {eqx.__file__}")
    # Case names on the command line: recompute only those, keep the rest.
    only = set(sys.argv[1:])
    out: dict[str, Any] = {}
    if only:
        with np.load(HERE / "reference.npz") as old:
            out = {k: old[k] for k in old.files if k.split("/")[0] not in only}
    out["version"] = np.array(eqx.__version__)
    for name, case in CASES.items():
        if only and name not in only:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model, state, run = case(key_for(name))
            _store(out, f"{name}/p", arrays((model, state)))
            buf = io.BytesIO()
            eqx.tree_serialise_leaves(buf, (model, state))
            out[f"{name}/ckpt"] = np.frombuffer(buf.getvalue(), dtype=np.uint8)
            _store(out, f"{name}/y", arrays(run(model, state)))
    np.savez_compressed(HERE / "reference.npz", **out)
    print(f"{len(CASES)} cases, {len(out)} arrays")


if __name__ == "__main__":
    main()
