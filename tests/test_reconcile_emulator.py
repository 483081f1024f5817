"""mcgov reconcile against the emulator: call budgets, re-runs, new accounts, selection, dry-run, crashes,
drift, throttling, the gate through a batched share and the CLI."""

from __future__ import annotations

import json
import math
from collections import Counter
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from mcgov.share_policies.loader import parse_policy
from mcgov.steps.gate.poller import run_gate
from mcgov.steps.policy import load_policy
from mcgov.steps.reconcile.plan import Outcome, parse_selection
from mcgov.steps.reconcile.run import reconcile
from mcgov.steps.share.client import ram_client
from mcgov.steps.share.converge import ensure_readonly_permission, ensure_share
from mcgov.steps.share.naming import is_batch_share as is_batch_record
from mcgov.steps.share.ram_rows import ResourceShare
from tests.conftest import REPO, approve_current

EXAMPLE = REPO / "share_policies" / "example.yaml"
REGION = "us-east-1"
OWNER = "111111111111"
RAM_WRITES = {
    "CreateResourceShare",
    "AssociateResourceShare",
    "DisassociateResourceShare",
    "UpdateResourceShare",
    "DeleteResourceShare",
    "AssociateResourceSharePermission",
}


def is_batch_share(share: dict, stage: str | None = None) -> bool:
    """``naming.is_batch_share`` on a share row as the emulator's RAM returns it."""
    return is_batch_record(ResourceShare.from_wire(share), stage)


def make_cards(count: int, status: str = "Approved", prefix: str = "card") -> list[str]:
    """Create cards straight in the emulator's SageMaker backend (fast; reconcile itself uses boto3)."""
    from moto.sagemaker.models import sagemaker_backends

    backend = sagemaker_backends[OWNER][REGION]
    content = json.dumps({"model_overview": {"model_description": "bulk"}})
    names = [f"{prefix}-{i:04d}" for i in range(count)]
    for name in names:
        backend.create_model_card(
            model_card_name=name, security_config=None, content=content, model_card_status=status, tags=None
        )
    return [f"arn:aws:sagemaker:{REGION}:{OWNER}:model-card/{n}" for n in names]


class World:
    def __init__(self, emu: Any, session: Any) -> None:
        self.emu = emu
        self.session = session
        self.ram = ram_client(session, REGION)
        self.sm = session.client("sagemaker", region_name=REGION)
        self.policy = load_policy(EXAMPLE)
        ensure_readonly_permission(self.ram)

    def approve(self, card_arn: str) -> None:
        """What a reviewer does before prod: ``mcgov card approve`` records the reviewed version."""
        approve_current(self.emu, self.policy, card_arn, accept_unidentified=True)  # cards made outside publish

    def run(self, policy: Any = None, **kwargs: Any) -> tuple[Any, Counter[str]]:
        start = len(self.emu.api_calls)
        report = reconcile(self.ram, self.sm, policy or self.policy, **kwargs)
        return report, Counter(op for _, service, op in self.emu.api_calls[start:] if service == "ram")

    def shares(self, status: str = "ACTIVE") -> list[dict]:
        out: list[dict] = []
        for page in self.ram.get_paginator("get_resource_shares").paginate(
            resourceOwner="SELF", resourceShareStatus=status
        ):
            out.extend(page["resourceShares"])
        return out

    def live_resources(self, share_arn: str) -> list[str]:
        rows: list[dict] = []
        for page in self.ram.get_paginator("get_resource_share_associations").paginate(
            associationType="RESOURCE", resourceShareArns=[share_arn]
        ):
            rows.extend(page["resourceShareAssociations"])
        return [r["associatedEntity"] for r in rows if r["status"] in ("ASSOCIATING", "ASSOCIATED")]

    def principals(self, share_arn: str) -> set[str]:
        rows = self.ram.get_resource_share_associations(associationType="PRINCIPAL", resourceShareArns=[share_arn])
        return {
            r["associatedEntity"]
            for r in rows["resourceShareAssociations"]
            if r["status"] in ("ASSOCIATING", "ASSOCIATED")
        }


@pytest.fixture
def world(emulator: Any, card_session: Any) -> World:
    return World(emulator, card_session)


def writes(counter: Counter[str]) -> int:
    return sum(n for op, n in counter.items() if op in RAM_WRITES)


def assert_converged(world: World, cards: list[str], stages: tuple[str, ...] = ("staging", "prod")) -> None:
    """Each card is a live resource of exactly one batched share per stage; share names are unique."""
    batches = [s for s in world.shares() if is_batch_share(s)]
    names = [s["name"] for s in batches]
    assert len(names) == len(set(names)), f"duplicate batched shares: {names}"
    for stage in stages:
        held = Counter(
            r for s in batches if is_batch_share(s, stage) for r in world.live_resources(s["resourceShareArn"])
        )
        assert set(held) == set(cards) and set(held.values()) == {1}, stage


def test_first_run_costs_ceil_n_over_100_writes_per_stage_and_rerun_only_reads(world: World) -> None:
    cards = make_cards(250)
    report, calls = world.run()
    per_stage = math.ceil(250 / 100)
    assert calls["CreateResourceShare"] == 2 * math.ceil(250 / 1000)
    assert writes(calls) == 2 * per_stage == 6
    assert sum(calls.values()) - writes(calls) <= 3
    assert report.counts[Outcome.SHARED] == 500 and report.exit_code == 0
    assert_converged(world, cards)

    again, calls = world.run()
    assert writes(calls) == 0 and again.counts[Outcome.ALREADY] == 500
    assert set(calls) <= {"GetResourceShares", "GetResourceShareAssociations"}


def test_small_capacity_fills_shares_in_index_order(world: World) -> None:
    cards = make_cards(250)
    report, calls = world.run(capacity=100)
    assert calls["CreateResourceShare"] == 6 and writes(calls) == 6
    staging = sorted((s for s in world.shares() if is_batch_share(s, "staging")), key=lambda s: s["name"])
    assert [len(world.live_resources(s["resourceShareArn"])) for s in staging] == [100, 100, 50]
    more = make_cards(70, prefix="more")
    report, calls = world.run(capacity=100)
    # 50 fill share 3, 20 open share 4: one associate + one create per stage
    assert (calls["AssociateResourceShare"], calls["CreateResourceShare"]) == (2, 2)
    assert report.counts[Outcome.SHARED] == 140 and report.counts[Outcome.ALREADY] == 500
    assert_converged(world, cards + more)


def test_new_prod_account_is_added_with_one_call_per_batched_share(world: World) -> None:
    make_cards(250)
    world.run(capacity=100)
    data = json.loads(json.dumps(load_policy(EXAMPLE).model_dump()))
    data["stages"]["prod"]["accounts"].append("222222222222")
    grown = parse_policy(data)
    report, calls = world.run(grown, capacity=100)
    assert calls["AssociateResourceShare"] == 3 and writes(calls) == 3
    assert report.counts[Outcome.SHARED] == 250 and report.counts[Outcome.ALREADY] == 250
    for share in world.shares():
        if is_batch_share(share, "prod"):
            assert world.principals(share["resourceShareArn"]) == {"333333333333", "222222222222"}
    _, calls = world.run(grown, capacity=100)
    assert writes(calls) == 0


def test_selection_by_status_and_name_prefix_and_status_requirements(world: World) -> None:
    approved = make_cards(3, "Approved", "churn")
    review = make_cards(2, "PendingReview", "fraud")
    make_cards(2, "Draft", "draft")
    report, _ = world.run(selection=parse_selection(["status=PendingReview"]))
    assert {r["card_arn"] for r in report.rows} == set(review)
    outcomes = {(r["name"], r["stage"]): r["outcome"] for r in report.rows}
    assert outcomes[("fraud-0000", "staging")] == Outcome.SHARED and outcomes[("fraud-0000", "prod")] == Outcome.SKIPPED
    report, _ = world.run(selection=parse_selection(["name-prefix=churn"]))
    assert {r["card_arn"] for r in report.rows} == set(approved)
    assert report.counts[Outcome.SHARED] == 6
    everything, calls = world.run()
    assert everything.counts == {
        Outcome.ALREADY: 2 * 3 + 2,
        Outcome.SHARED: 0,
        Outcome.DRIFT: 0,
        Outcome.FAILED: 0,
        Outcome.SKIPPED: 2 + 2 + 2,
        Outcome.OTHER_POLICY: 0,
    }
    assert writes(calls) == 0


def test_dry_run_makes_no_write_calls(world: World) -> None:
    make_cards(120)
    start = len(world.emu.api_calls)
    report, calls = world.run(dry_run=True)
    assert writes(calls) == 0 and report.counts[Outcome.WOULD_SHARE] == 240
    assert {op for _, _, op in world.emu.api_calls[start:]} <= {"ListModelCards", "GetResourceShares"}
    assert world.shares() == []


@pytest.mark.parametrize("hook", ["before-call", "after-call"])
@pytest.mark.parametrize(("capacity", "crash_at"), [(100, 2), (100, 4), (1000, 3), (1000, 6)])
def test_interrupted_run_resumes_without_duplicates(world: World, hook: str, capacity: int, crash_at: int) -> None:
    """RAM calls: 1 GetResourceShares, then per stage creates (capacity 100) or create+associate x2 (1000)."""
    cards = make_cards(230)
    seen = [0]

    class Crash(Exception):
        pass

    def interrupt(**_: Any) -> None:
        seen[0] += 1
        if seen[0] == crash_at:
            raise Crash(f"simulated crash at RAM call {crash_at}")

    world.ram.meta.events.register(f"{hook}.ram", interrupt)
    with pytest.raises(Crash):
        world.run(capacity=capacity)
    world.ram.meta.events.unregister(f"{hook}.ram", interrupt)
    report, _ = world.run(capacity=capacity)
    assert report.exit_code == 0 and report.counts[Outcome.FAILED] == 0
    assert_converged(world, cards)
    assert len([s for s in world.shares() if is_batch_share(s)]) == 2 * math.ceil(230 / capacity)
    _, calls = world.run(capacity=capacity)
    assert writes(calls) == 0


def test_extra_principal_on_a_batched_share_is_reported_as_drift(world: World) -> None:
    cards = make_cards(5)
    world.run()
    staging = next(s for s in world.shares() if is_batch_share(s, "staging"))
    world.ram.associate_resource_share(resourceShareArn=staging["resourceShareArn"], principals=["333333333333"])
    report, calls = world.run()
    drift = [r for r in report.rows if r["outcome"] == Outcome.DRIFT]
    assert {r["card_arn"] for r in drift} == set(cards) and {r["stage"] for r in drift} == {"staging"}
    assert "333333333333" in drift[0]["detail"] and report.exit_code == 0
    assert writes(calls) == 0
    newcomer = make_cards(1, prefix="new")
    report, _ = world.run()
    placed = [r for r in report.rows if r["card_arn"] == newcomer[0] and r["stage"] == "staging"][0]
    assert placed["outcome"] == Outcome.SHARED and placed["share"] != staging["name"]


def test_card_correctly_shared_by_its_per_card_share_is_already_shared(world: World) -> None:
    cards = make_cards(3)
    ensure_share(world.ram, world.policy, cards[0])
    report, calls = world.run()
    mine = {r["stage"]: r for r in report.rows if r["card_arn"] == cards[0]}
    assert {r["outcome"] for r in mine.values()} == {Outcome.ALREADY}
    assert mine["prod"]["share"] == "mcgov-card-0000-prod"
    assert report.counts[Outcome.SHARED] == 4 and writes(calls) == 2


def test_failed_batch_is_reported_and_rerun_converges(world: World) -> None:
    make_cards(150)
    outside = parse_policy(
        {
            "version": 1,
            "card_account": OWNER,
            "region": REGION,
            "stages": {"partner": {"accounts": ["444444444444"], "required_card_status": "Draft"}},
        }
    )
    report, _ = world.run(outside)
    assert report.counts[Outcome.FAILED] == 150 and report.exit_code == 1
    assert "OperationNotPermitted" in report.rows[0]["detail"]


class Throttle:
    """before-send hook: answer the first ``n`` RAM requests with ThrottlingException (botocore retries)."""

    def __init__(self, n: int) -> None:
        self.left = n
        self.sent = 0

    def __call__(self, request: Any, **_: Any) -> AWSResponse | None:
        self.sent += 1
        if self.left <= 0:
            return None
        self.left -= 1
        body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()

        class Raw:
            def stream(self, *_: Any, **__: Any) -> Any:
                yield body

        return AWSResponse(
            request.url, 400, {"x-amzn-ErrorType": "ThrottlingException", "Content-Type": "application/json"}, Raw()
        )


def test_throttling_is_retried_with_backoff(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    import botocore.endpoint

    slept: list[float] = []
    monkeypatch.setattr(botocore.endpoint.time, "sleep", slept.append)
    cards = make_cards(120)
    throttle = Throttle(3)
    world.ram.meta.events.register_first("before-send.ram.*", throttle)
    report, _ = world.run()
    assert report.exit_code == 0 and report.counts[Outcome.SHARED] == 240
    assert len(slept) >= 3 and throttle.left == 0
    assert_converged(world, cards)


class Waits:
    def __init__(self, emu: Any) -> None:
        self.emu = emu

    def sleep(self, seconds: float) -> None:
        self.emu.clock.advance(seconds)

    def clock(self) -> float:
        return self.emu.clock.now()


def test_gate_allows_a_card_shared_only_through_a_batched_share(world: World) -> None:
    cards = make_cards(3)
    world.run()
    world.approve(cards[1])
    waits = Waits(world.emu)
    decision = run_gate(
        world.ram,
        world.sm,
        world.policy,
        world.policy.stage("prod"),
        cards[1],
        timeout=120,
        sleep=waits.sleep,
        clock=waits.clock,
    )
    assert decision.allowed, decision.reasons
    assert decision.principals["333333333333"]["status"] == "ASSOCIATED"
    assert decision.resource["status"] == "ASSOCIATED"
    prod = next(s for s in world.shares() if is_batch_share(s, "prod"))
    assert decision.shares == [prod["resourceShareArn"]]
    world.ram.associate_resource_share(resourceShareArn=prod["resourceShareArn"], principals=["222222222222"])
    blocked = run_gate(
        world.ram,
        world.sm,
        world.policy,
        world.policy.stage("prod"),
        cards[1],
        timeout=0,
        sleep=waits.sleep,
        clock=waits.clock,
    )
    assert not blocked.allowed and any(
        r.startswith(f"Share {prod['resourceShareArn']} also grants 222222222222") for r in blocked.reasons
    ), blocked.reasons


def test_gate_prefers_the_complete_share_when_a_per_card_share_is_incomplete(world: World) -> None:
    cards = make_cards(2)
    world.approve(cards[0])
    ensure_share(world.ram, world.policy, cards[0], stages=[world.policy.stage("prod")])
    data = json.loads(json.dumps(load_policy(EXAMPLE).model_dump()))
    data["stages"]["prod"]["accounts"].append("222222222222")
    grown = parse_policy(data)
    report, _ = world.run(grown, stages=[grown.stage("prod")])
    row = next(r for r in report.rows if r["card_arn"] == cards[0])
    assert row["outcome"] == Outcome.SHARED and row["share"].startswith("mcgov-batch-prod-")
    waits = Waits(world.emu)
    decision = run_gate(
        world.ram, world.sm, grown, grown.stage("prod"), cards[0], timeout=120, sleep=waits.sleep, clock=waits.clock
    )
    assert decision.allowed, decision.reasons


# --- CLI ---


def run_cli(monkeypatch: pytest.MonkeyPatch, session: Any, argv: list[str]) -> int:
    from mcgov.steps.cli import main

    monkeypatch.setattr("mcgov.steps.cli.reconcile.make_session", lambda profile, region: session)
    return main.main(argv)


def test_cli_json_shape_progress_and_exit_codes(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_cards(150)
    rc = run_cli(monkeypatch, world.session, ["reconcile", "--policy", str(EXAMPLE), "--json"])
    out = capsys.readouterr()
    data = json.loads(out.out)
    assert rc == 0 and data["schema_version"] == 1 and data["converged"] is True
    assert set(data) >= {"dry_run", "selection", "stages", "cards", "counts", "results", "shares", "notes"}
    assert data["counts"][Outcome.SHARED] == 300 and len(data["results"]) == 300
    assert set(data["results"][0]) >= {"card_arn", "name", "status", "stage", "outcome", "share", "share_arn", "detail"}
    assert len([line for line in out.err.splitlines() if line.startswith("reconcile staging:")]) == 2
    rc = run_cli(monkeypatch, world.session, ["reconcile", "--policy", str(EXAMPLE), "--stage", "prod"])
    out = capsys.readouterr()
    assert rc == 0 and "already shared     150" in out.out and "CARD" not in out.out


@pytest.mark.parametrize(
    "argv",
    [
        ["--select", "status=Bogus"],
        ["--select", "colour=red"],
        ["--stage", "nope"],
    ],
)
def test_cli_bad_input_exits_2(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    rc = run_cli(monkeypatch, world.session, ["reconcile", "--policy", str(EXAMPLE), *argv])
    assert rc == 2 and capsys.readouterr().err.count("\n") == 1


def test_cli_failed_card_exits_1_and_dry_run_table(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    make_cards(2)
    policy = tmp_path / "outside.yaml"
    policy.write_text(
        f"version: 1\ncard_account: '{OWNER}'\nregion: {REGION}\n"
        "stages:\n  partner:\n    accounts: ['444444444444']\n    required_card_status: Draft\n"
    )
    rc = run_cli(monkeypatch, world.session, ["reconcile", "--policy", str(policy), "--dry-run"])
    out = capsys.readouterr().out
    assert rc == 0 and "dry run" in out and "would share" in out
    rc = run_cli(monkeypatch, world.session, ["reconcile", "--policy", str(policy)])
    out = capsys.readouterr().out
    assert rc == 1 and "failed" in out and "card-0001" in out
