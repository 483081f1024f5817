"""Backends of the contract suite (``tests/test_contract_*.py``): the emulator, or a real account.

The same tests run on both. ``EmulatorBackend`` is what ``make test`` uses; ``LiveBackend`` is opted into with
``pytest -m live`` and these settings (see docs/live.md):

  MCGOV_LIVE_REGION             region to test in (default: the session's)
  MCGOV_LIVE_PROFILE            AWS profile of the card (owner) account (default: the default credentials)
  MCGOV_LIVE_CONSUMER_PROFILE   profile of a second account in the same organization (consumer tests)
  MCGOV_LIVE_EXTERNAL_ACCOUNT   an account outside the organization (invitation tests; optional)
  MCGOV_LIVE_SHARE_ROLE_ARN     the stack's ShareCardRole; the test copies its grants into a role it may assume

Everything a test creates is named ``mcgov-contract-<random>`` and deleted afterwards.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest

OWNER = "111111111111"
CONSUMER = "222222222222"
EXTERNAL = "444444444444"


@dataclass
class Backend:
    """Sessions and helpers one contract test needs; ``cleanups`` run after the test, newest first."""

    name: str
    region: str
    owner: Any
    owner_account: str
    consumer: Any | None
    consumer_account: str | None
    external_account: str | None
    share_role_arn: str | None = None
    cleanups: list[Callable[[], Any]] = field(default_factory=list)

    @property
    def live(self) -> bool:
        return self.name == "live"

    def client(self, service: str, session: Any = None) -> Any:
        return (session or self.owner).client(service, region_name=self.region)

    def unique(self, prefix: str = "mcgov-contract") -> str:
        return f"{prefix}-{uuid.uuid4().hex[:8]}"

    def card_arn(self, name: str) -> str:
        return f"arn:aws:sagemaker:{self.region}:{self.owner_account}:model-card/{name}"

    def advance(self, seconds: float) -> None:
        """Move the emulator clock; a live account cannot, so the test is skipped there."""
        raise NotImplementedError

    def pause(self) -> None:
        """Wait between two polls of something eventually consistent."""

    def require_consumer(self) -> tuple[Any, str]:
        if self.consumer is None or self.consumer_account is None:
            pytest.skip("set MCGOV_LIVE_CONSUMER_PROFILE to a second account of the organization for consumer tests")
        return self.consumer, self.consumer_account

    def require_external(self) -> str:
        if self.external_account is None:
            pytest.skip("set MCGOV_LIVE_EXTERNAL_ACCOUNT to an account outside the organization for invitation tests")
        return self.external_account

    def close(self) -> None:
        for cleanup in reversed(self.cleanups):
            try:
                cleanup()
            except Exception:  # noqa: BLE001 - cleanup is best effort; the test result stands
                pass


class EmulatorBackend(Backend):
    def advance(self, seconds: float) -> None:
        self.emulator.clock.advance(seconds)


def emulator_backend() -> tuple[EmulatorBackend, Any]:
    """A started emulator (the consumer in the organization, EXTERNAL outside it) and its backend."""
    from mcgov.emulator import Emulator, EmulatorConfig

    config = EmulatorConfig(
        card_account=OWNER,
        accounts={"consumer": CONSUMER, "external": EXTERNAL},
        organization_accounts=[OWNER, CONSUMER],
        associate_after_polls=1,
    )
    emu = Emulator(config)
    emu.start()
    backend = EmulatorBackend(
        name="emulator",
        region=config.region,
        owner=emu.session(OWNER),
        owner_account=OWNER,
        consumer=emu.session(CONSUMER),
        consumer_account=CONSUMER,
        external_account=EXTERNAL,
    )
    backend.emulator = emu  # type: ignore[attr-defined]
    return backend, emu


class LiveBackend(Backend):
    def advance(self, seconds: float) -> None:
        pytest.skip(f"needs {seconds:.0f} s of AWS time; the emulator's clock checks it (run without -m live)")

    def pause(self) -> None:
        time.sleep(5)


def live_backend() -> LiveBackend:
    """A backend for the account the MCGOV_LIVE_* settings and credentials name (skips when unset)."""
    if not (os.environ.get("MCGOV_LIVE_PROFILE") or os.environ.get("MCGOV_LIVE_REGION")):
        pytest.skip("set MCGOV_LIVE_REGION (and credentials, or MCGOV_LIVE_PROFILE) to run the contract suite live")
    owner = boto3.Session(
        profile_name=os.environ.get("MCGOV_LIVE_PROFILE"), region_name=os.environ.get("MCGOV_LIVE_REGION")
    )
    region = owner.region_name
    if not region:
        pytest.skip("set MCGOV_LIVE_REGION: the live contract suite needs a region")
    account = owner.client("sts").get_caller_identity()["Account"]
    consumer_profile = os.environ.get("MCGOV_LIVE_CONSUMER_PROFILE")
    consumer = boto3.Session(profile_name=consumer_profile, region_name=region) if consumer_profile else None
    consumer_account = consumer.client("sts").get_caller_identity()["Account"] if consumer else None
    return LiveBackend(
        name="live",
        region=region,
        owner=owner,
        owner_account=account,
        consumer=consumer,
        consumer_account=consumer_account,
        external_account=os.environ.get("MCGOV_LIVE_EXTERNAL_ACCOUNT"),
        share_role_arn=os.environ.get("MCGOV_LIVE_SHARE_ROLE_ARN"),
    )


@pytest.fixture(params=["emulator", pytest.param("live", marks=pytest.mark.live)])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    if request.param == "emulator":
        chosen, emu = emulator_backend()
        try:
            yield chosen
        finally:
            chosen.close()
            emu.stop()
    else:
        chosen = live_backend()
        try:
            yield chosen
        finally:
            chosen.close()
