"""Parity with Equinox 0.13.8 for the "norm" cases of `parity_cases`."""

import pytest
from parity_check import check_checkpoints, check_init, check_outputs, names

CASES = names("norm")


@pytest.mark.parametrize("name", CASES)
def test_init(name: str) -> None:
    check_init(name)


@pytest.mark.parametrize("name", CASES)
def test_outputs(name: str) -> None:
    check_outputs(name)


@pytest.mark.parametrize("name", CASES)
def test_checkpoints(name: str) -> None:
    check_checkpoints(name)
