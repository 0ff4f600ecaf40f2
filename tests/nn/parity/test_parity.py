"""Parity with Equinox 0.13.8 for every case of `parity_cases` (all public
`eqx.nn` layers): initial parameters, outputs and checkpoints against the
reference data in `reference.npz`. Test ids are `family/case`."""

import pytest
from parity_cases import FAMILY
from parity_check import check_checkpoints, check_init, check_outputs

# The deprecated `deterministic=` spellings are among the cases; they warn.
pytestmark = pytest.mark.filterwarnings("ignore:.*deterministic=.*:UserWarning")

CASES = [pytest.param(name, id=f"{family}/{name}") for name, family in FAMILY.items()]


@pytest.mark.parametrize("name", CASES)
def test_init(name: str) -> None:
    check_init(name)


@pytest.mark.parametrize("name", CASES)
def test_outputs(name: str) -> None:
    check_outputs(name)


@pytest.mark.parametrize("name", CASES)
def test_checkpoints(name: str) -> None:
    check_checkpoints(name)
