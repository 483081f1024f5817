"""Fault injection over the whole flow: populate_card -> ensure_share (every stage) -> run_gate (every stage).

For each AWS call index k of a clean run, call k fails (throttling, 500, read timeout, connection reset,
response lost after the write, or a fault that exhausts retries / is not retryable). Then the flow is run
again without faults and must converge: one card version with the clean run's content hash, exactly one
live share per (card, stage) and no deleted extra, the policy's accounts and the card associated, the gate
allowed. Run with ``-s`` to see the counts; ``FIGURES`` keeps them for ``make bench`` (docs/reliability.md).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from botocore.exceptions import BotoCoreError

import mcgov.emulator.core as emulator_core
import mcgov.emulator.fixtures as seed
from mcgov.errors import GovernanceError
from mcgov.share_policies.models import SharePolicy
from mcgov.steps.card.service import CardSources, populate_card
from mcgov.steps.gate.poller import run_gate
from mcgov.steps.policy import load_policy
from mcgov.steps.share.client import ram_client
from mcgov.steps.share.converge import ensure_readonly_permission, ensure_share
from mcgov.steps.share.naming import share_name
from tests.conftest import REPO, approve_current
from tests.faults import ALWAYS, FaultInjector, error_codes, instant_retries

REGION = "us-east-1"
EXAMPLE = REPO / "share_policies" / "example.yaml"
_SCENARIOS = itertools.count()
FIGURES: dict[str, dict[str, int]] = {}  # what each test measured, read by benchmarks.reliability
WRITES = {"CreateModelCard", "UpdateModelCard", "CreateResourceShare", "AssociateResourceShare", "UpdateResourceShare"}


@dataclass
class World:
    """One emulator for the module; every fault scenario uses its own card name."""

    emu: Any
    base: boto3.Session
    where: dict[str, str]
    policy: SharePolicy
    reference: dict[str, Any] = field(default_factory=dict)
    clients: tuple[Any, Any, Any] = ()  # type: ignore[assignment]
    unfaulted: tuple[Any, Any, Any] = ()  # type: ignore[assignment]

    def __post_init__(self) -> None:
        self.clients = (self.base.client("sagemaker"), self.base.client("s3"), ram_client(self.base, REGION))
        # what the reviewer and the checks use: never attached to an injector
        self.unfaulted = (self.base.client("sagemaker"), self.base.client("sts"), self.base.client("ram"))

    def sleep(self, seconds: float) -> None:
        self.emu.clock.advance(seconds)

    def now(self) -> float:
        return float(self.emu.clock.now())


@dataclass
class Outcome:
    """What one run of the flow did: the card hash, the gate decisions, or the typed error that stopped it."""

    content_sha256: str | None = None
    card_result: str | None = None
    allowed: dict[str, bool] = field(default_factory=dict)
    reasons: dict[str, list[str]] = field(default_factory=dict)
    error: BaseException | None = None

    @property
    def completed(self) -> bool:
        return self.error is None and bool(self.allowed) and all(self.allowed.values())

    @property
    def failure_reason(self) -> str:
        """Why the flow stopped: the typed error, or the reasons of the gates that blocked ("" when completed)."""
        if self.error is not None:
            return f"{type(self.error).__name__}: {self.error}"
        return "; ".join(
            r for stage, allowed in self.allowed.items() if not allowed for r in self.reasons.get(stage, [])
        )


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with emulator_core.Emulator() as emu, instant_retries():
        base = emu.session(emu.config.card_account)
        where = seed.seed_pipeline_outputs(base, bucket="mcgov-faults")
        ensure_readonly_permission(ram_client(base, REGION))
        w = World(emu=emu, base=base, where=where, policy=load_policy(EXAMPLE))
        counter = FaultInjector()
        clean = run_flow(w, "reference", counter)
        assert clean.completed, clean
        w.reference = {"sha": clean.content_sha256, "calls": list(counter.calls)}
        FIGURES["clean_run"] = {"calls": len(counter.calls)}
        yield w


def run_flow(world: World, card: str, injector: FaultInjector | None = None) -> Outcome:
    """populate (status Approved) -> ensure_share for every stage -> run_gate for every stage."""
    sm, s3, ram = world.clients
    with (injector or FaultInjector()).attached(sm, s3, ram):
        return _flow(world, card, sm, s3, ram)


def _flow(world: World, card: str, sm: Any, s3: Any, ram: Any) -> Outcome:
    sources = CardSources(
        training_job_name=world.where["training_job_name"],
        evaluations=(world.where["evaluation"],),
        template=world.where["template"],
    )
    outcome = Outcome()
    try:
        published = populate_card(card, sources, sagemaker=sm, s3=s3, status="PendingReview")
        outcome.content_sha256, outcome.card_result = published.content_sha256, published.result
        reviewer, _, _ = world.unfaulted
        if reviewer.describe_model_card(ModelCardName=published.arn)["ModelCardStatus"] != "Approved":
            # a person, not faulted; a publish faulted between its content write and its record left that version
            # unidentified, which the reviewer accepts by name
            approve_current(world.emu, world.policy, published.arn, accept_unidentified=True)
        ensure_share(ram, world.policy, published.arn)
        for stage in world.policy.stages:
            decision = run_gate(
                ram,
                sm,
                world.policy,
                world.policy.stage(stage),
                published.arn,
                timeout=300,
                sleep=world.sleep,
                clock=world.now,
            )
            outcome.allowed[stage] = decision.allowed
            outcome.reasons[stage] = list(decision.reasons)
    except (GovernanceError, BotoCoreError) as exc:
        outcome.error = exc
    return outcome


def converged_problems(world: World, card: str, rerun: Outcome) -> list[str]:
    """Everything that differs from one clean, complete flow (empty when converged)."""
    problems: list[str] = []
    if not rerun.completed:
        problems.append(f"re-run did not complete: {rerun}")
    if rerun.content_sha256 != world.reference["sha"]:
        problems.append(f"content hash {rerun.content_sha256} != clean run's {world.reference['sha']}")
    sm, _, ram = world.unfaulted
    versions = sm.list_model_card_versions(ModelCardName=card)["ModelCardVersionSummaryList"]
    if len(versions) != 2:
        problems.append(f"{len(versions)} card versions, expected 2 (submitted, then approved)")
    arn = world.policy.card_arn(card)
    for stage, cfg in world.policy.stages.items():
        shares = ram.get_resource_shares(resourceOwner="SELF", name=share_name(arn, stage))["resourceShares"]
        if [s["status"] for s in shares] != ["ACTIVE"]:
            problems.append(
                f"stage {stage}: shares {[(s['resourceShareArn'], s['status']) for s in shares]}, expected one ACTIVE"
            )
            continue
        share_arn = shares[0]["resourceShareArn"]
        principals = ram.get_resource_share_associations(associationType="PRINCIPAL", resourceShareArns=[share_arn])
        seen = sorted((a["associatedEntity"], a["status"]) for a in principals["resourceShareAssociations"])
        if seen != sorted((a, "ASSOCIATED") for a in cfg.accounts):
            problems.append(f"stage {stage}: principal associations {seen}")
        resources = ram.get_resource_share_associations(associationType="RESOURCE", resourceShareArns=[share_arn])
        if [(a["associatedEntity"], a["status"]) for a in resources["resourceShareAssociations"]] != [
            (arn, "ASSOCIATED")
        ]:
            problems.append(f"stage {stage}: resource associations {resources['resourceShareAssociations']}")
    return problems


def inject_and_rerun(
    world: World, kind: str, index: int, attempts: int = 1
) -> tuple[FaultInjector, Outcome, list[str]]:
    card = f"f{next(_SCENARIOS)}-{kind.replace('_', '-')}-{index}"
    injector = FaultInjector(kind=kind, fail_at=index, attempts=attempts)
    faulted = run_flow(world, card, injector)
    rerun = run_flow(world, card)
    return injector, faulted, converged_problems(world, card, rerun)


def sample(n: int, calls: list[tuple[str, str]], step: int) -> list[int]:
    """Every ``step``-th index plus every write."""
    return sorted(set(range(0, n, step)) | {i for i, (_, op) in enumerate(calls) if op in WRITES})


def test_clean_run_makes_the_expected_calls(world: World) -> None:
    ops = {op for _, op in world.reference["calls"]}
    assert {"CreateModelCard", "CreateResourceShare", "AssociateResourceShare", "GetResourceShareAssociations"} <= ops
    assert converged_problems(world, "reference", run_flow(world, "reference")) == []


def test_every_call_index_survives_one_throttle(world: World) -> None:
    n = len(world.reference["calls"])
    survived, surfaced = 0, []
    for index in range(n):
        injector, faulted, problems = inject_and_rerun(world, "throttle", index)
        assert injector.injected, f"no fault injected at call {index}"
        assert problems == [], f"throttle at call {index} {world.reference['calls'][index]}: {problems}"
        survived += 1
        if not faulted.completed:
            surfaced.append(f"call {index} {world.reference['calls'][index]}: {faulted}")
    print(f"\nthrottle: {survived}/{n} injected faults survived ({n - len(surfaced)} absorbed by botocore retries)")
    assert survived == n
    assert surfaced == [], "a single throttle should be absorbed by botocore's standard retries"
    FIGURES["throttle"] = {"injected": n, "survived": survived, "absorbed": n - len(surfaced)}


@pytest.mark.parametrize("kind", ["internal", "read_timeout", "connection_reset", "lost_response"])
def test_sampled_call_indexes_survive_transient_faults(world: World, kind: str) -> None:
    indexes = sample(len(world.reference["calls"]), world.reference["calls"], 4)
    survived = 0
    failures: list[str] = []
    for index in indexes:
        injector, faulted, problems = inject_and_rerun(world, kind, index)
        assert injector.injected, f"no fault injected at call {index}"
        if problems:
            failures.append(
                f"{kind} at call {index} {world.reference['calls'][index]}: faulted run {faulted}: {problems}"
            )
        else:
            survived += 1
    print(f"\n{kind}: {survived}/{len(indexes)} injected faults survived")
    assert failures == []
    assert survived == len(indexes)
    FIGURES[kind] = {"injected": len(indexes), "survived": survived}


@pytest.mark.parametrize("kind", ["throttle", "denied"])
def test_step_fails_when_retries_are_exhausted_or_fault_is_final_then_rerun_converges(world: World, kind: str) -> None:
    indexes = sample(len(world.reference["calls"]), world.reference["calls"], 3)
    survived = 0
    for index in indexes:
        injector, faulted, problems = inject_and_rerun(world, kind, index, attempts=ALWAYS)
        assert not faulted.completed, f"{kind} on every attempt of call {index} went unnoticed"
        assert any(code in faulted.failure_reason for code in error_codes(kind)), (
            f"{kind} at call {index}: the failure does not name the injected fault: {faulted}"
        )
        if kind == "throttle":
            assert len(injector.injected) > 1, "botocore did not retry a throttled call"
        assert problems == [], f"{kind} (final) at call {index} {world.reference['calls'][index]}: {problems}"
        survived += 1
    print(
        f"\n{kind} (retries exhausted / not retryable): {survived}/{len(indexes)} step failures recovered by a re-run"
    )
    assert survived == len(indexes)
    FIGURES[f"{kind}_every_attempt"] = {"injected": len(indexes), "survived": survived}


def _first(world: World, operation: str) -> int:
    return next(i for i, (_, op) in enumerate(world.reference["calls"]) if op == operation)


@pytest.mark.parametrize("operation", ["CreateResourceShare", "AssociateResourceShare"])
def test_lost_response_of_a_ram_write_is_absorbed_by_the_retry(world: World, operation: str) -> None:
    injector, faulted, problems = inject_and_rerun(world, "lost_response", _first(world, operation))
    assert [i.operation for i in injector.injected] == [operation]
    assert faulted.completed, faulted.error
    assert problems == []


def test_lost_response_of_create_model_card_is_absorbed_by_the_retry(world: World) -> None:
    injector, faulted, problems = inject_and_rerun(world, "lost_response", _first(world, "CreateModelCard"))
    assert [i.operation for i in injector.injected] == ["CreateModelCard"]
    assert problems == []
    assert faulted.completed, faulted.error


@pytest.mark.parametrize("operation", ["DescribeTrainingJob", "GetObject", "CreateModelCard", "CreateResourceShare"])
def test_exhausted_network_fault_is_a_typed_aws_failure_not_bad_input(world: World, operation: str) -> None:
    from mcgov.errors import BadInputError

    _, faulted, problems = inject_and_rerun(world, "read_timeout", _first(world, operation), attempts=ALWAYS)
    assert problems == []
    assert isinstance(faulted.error, GovernanceError) and not isinstance(faulted.error, BadInputError), repr(
        faulted.error
    )
