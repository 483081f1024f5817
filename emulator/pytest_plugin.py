"""pytest fixtures for the emulator (registered through the ``pytest11`` entry point).

* ``emulator``: a started ``Emulator`` with the default ``EmulatorConfig`` (card account
  111111111111, staging 222222222222, prod 333333333333), stopped after the test; environment
  variables it sets are restored afterwards. It runs on virtual time: the product's waits (the gate's polls,
  the export's polls) advance ``emulator.clock`` instead of sleeping.
* ``card_session`` / ``staging_session`` / ``prod_session``: boto3 sessions acting as those accounts.
* ``module_emulator``: one running emulator (virtual time too) for every test of a module that asks for it, for
  tests that only read or only check refusals: what one test writes, the next one sees. One emulator runs per
  process, so a module using it cannot also use ``emulator``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import boto3

    from mcgov.emulator.core import Emulator


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """A running emulator with the default configuration."""
    from mcgov.emulator.core import Emulator

    emu = Emulator(virtual_time=True)
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture(scope="module")
def module_emulator() -> Iterator[Emulator]:
    """A running emulator shared by the tests of one module."""
    from mcgov.emulator.core import Emulator

    emu = Emulator(virtual_time=True)
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def card_session(emulator: Emulator) -> boto3.Session:
    """Session of the account that owns the model cards."""
    return emulator.session(emulator.config.card_account)


@pytest.fixture
def staging_session(emulator: Emulator) -> boto3.Session:
    """Session of the 'staging' account."""
    return emulator.session(emulator.config.accounts["staging"])


@pytest.fixture
def prod_session(emulator: Emulator) -> boto3.Session:
    """Session of the 'prod' account."""
    return emulator.session(emulator.config.accounts["prod"])
