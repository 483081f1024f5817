"""``mcgov inventory`` on the emulator: the call count formula, each state it reports, the reads it falls back to,
the last-decision seam, hub copies, the CLI contract and hostile text."""

from __future__ import annotations

import json
import math
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mcgov.emulator import Emulator, EmulatorConfig
from mcgov.share_policies.loader import parse_policy
from mcgov.steps.approval.tags import ApprovalRecord
from mcgov.steps.card.store import CardStore
from mcgov.steps.cli.main import main
from mcgov.steps.common.jsonutil import content_sha256
from mcgov.steps.hub.provenance import Provenance
from mcgov.steps.inventory.read import read_fleet
from mcgov.steps.inventory.render import render_html, render_table
from mcgov.steps.inventory.rows import (
    ApprovalState,
    CardRecord,
    HubState,
    LastDecision,
    ShareState,
    SourceRead,
    build_inventory,
    hub_view,
)
from mcgov.steps.policy import load_policy
from mcgov.steps.reconcile.plan import StageInventory
from mcgov.steps.reconcile.run import reconcile
from mcgov.steps.share.client import ram_client
from mcgov.steps.share.converge import ensure_readonly_permission, ensure_share
from mcgov.steps.share.ram_rows import Association, AssociationStatus, AssociationType, ResourceShare, ShareStatus
from tests.conftest import REPO, approve_current
from tests.test_hub_emulator import HUB, POLICY, SPOKE_A, clients, content, publish_all, run_sync, seed

EXAMPLE = REPO / "share_policies" / "example.yaml"
REGION = "us-east-1"
OWNER = "111111111111"
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
CONTENT = json.dumps({"model_overview": {"model_description": "inventory"}})


def make_cards(names: list[str], status: str) -> list[str]:
    """Cards straight in the emulator's SageMaker backend (the inventory reads them through boto3)."""
    from moto.sagemaker.models import sagemaker_backends

    backend = sagemaker_backends[OWNER][REGION]
    for name in names:
        backend.create_model_card(
            model_card_name=name, security_config=None, content=CONTENT, model_card_status=status, tags=None
        )
    return [f"arn:aws:sagemaker:{REGION}:{OWNER}:model-card/{n}" for n in names]


class World:
    def __init__(self, emu: Any, session: Any) -> None:
        emu.set_association_delay(polls=None, seconds=None)  # ASSOCIATED at once, unless a test says otherwise
        self.emu = emu
        self.ram = ram_client(session, REGION)
        self.sm = session.client("sagemaker", region_name=REGION)
        self.policy = load_policy(EXAMPLE)
        ensure_readonly_permission(self.ram)

    def approve(self, arn: str) -> None:
        approve_current(self.emu, self.policy, arn, accept_unidentified=True)

    def inventory(self, policy: Any = None, **kwargs: Any) -> tuple[Any, Counter[str]]:
        start = len(self.emu.api_calls)
        found = read_fleet(self.sm, self.ram, policy or self.policy, NOW, **kwargs)
        return found, Counter(f"{service}.{op}" for _, service, op in self.emu.api_calls[start:])


@pytest.fixture
def world(emulator: Any, card_session: Any) -> World:
    return World(emulator, card_session)


def rows(inventory: Any) -> dict[str, Any]:
    return {row.card.name: row for row in inventory.rows}


@pytest.mark.parametrize("count", [150, 450])
def test_calls_follow_the_formula_cards_over_100_plus_shares(world: World, count: int) -> None:
    """ListModelCards and Search pages (cards/100 each), one GetResourceShares page, the RESOURCE rows of the
    policy's shares batched by share (rows/500) and their PRINCIPAL rows, and two direct reads only for each
    Approved card whose approval does not hold: nothing per (card, stage)."""
    approved = make_cards([f"ok-{i}" for i in range(3)], "Approved")
    missing = make_cards([f"bad-{i}" for i in range(2)], "Approved")
    make_cards([f"card-{i:04d}" for i in range(count - 5)], "PendingReview")
    for arn in approved:
        world.approve(arn)
    reconcile(world.ram, world.sm, world.policy)
    inventory, calls = world.inventory()

    pages = math.ceil(count / 100)
    resource_rows = count + len(approved) + len(missing)  # staging holds every card, prod the Approved ones
    assert calls == Counter(
        {
            "sagemaker.ListModelCards": pages,
            "sagemaker.Search": pages,
            "sagemaker.DescribeModelCard": len(missing),
            "sagemaker.ListTags": len(missing),
            "ram.GetResourceShares": 1,
            "ram.GetResourceShareAssociations": math.ceil(resource_rows / 500) + 1,
        }
    )
    found = rows(inventory)
    assert len(found) == count
    for arn in approved:
        row = found[arn.rsplit("/", 1)[1]]
        assert row.approval.state is ApprovalState.VALID and row.card.read == "search"
        assert (
            row.stages["prod"].state is ShareState.ASSOCIATED and row.stages["staging"].state is ShareState.ASSOCIATED
        )
    bad = found["bad-0"]
    assert bad.approval.state is ApprovalState.MISSING and bad.card.read == "direct"
    assert "carries no approval record" in (bad.approval.problem or "")
    plain = found["card-0000"]
    assert plain.approval.state is ApprovalState.NONE and plain.approval.problem is None
    assert plain.stages["prod"].state is ShareState.NOT_SHARED and plain.stages["prod"].eligible is False
    assert inventory.summary()["stages"]["prod"] == {"associated": 5, "not shared": count - 5}


def test_drift_failed_pending_and_other_policy(world: World) -> None:
    make_cards(["alpha", "beta"], "PendingReview")
    world.emu.fail_association(principal="222222222222", message="SCP denied")
    reconcile(world.ram, world.sm, world.policy)
    inventory, _ = world.inventory()
    staging = rows(inventory)["alpha"].stages["staging"]
    assert staging.state is ShareState.FAILED and any("FAILED (SCP denied)" in p for p in staging.problems)

    world.emu.clear_failures()
    other = parse_policy(
        {
            "version": 1,
            "policy_id": "other",
            "card_account": OWNER,
            "region": REGION,
            "stages": {"staging": {"accounts": ["333333333333"], "required_card_status": "Draft"}},
        }
    )
    make_cards(["gamma"], "PendingReview")
    reconcile(world.ram, world.sm, other)
    share = next(
        s
        for s in world.ram.get_resource_shares(resourceOwner="SELF")["resourceShares"]
        if "batch-staging" in s["name"] and {"key": "mcgov:policy-id", "value": "example"} in s["tags"]
    )
    world.ram.associate_resource_share(resourceShareArn=share["resourceShareArn"], principals=["333333333333"])
    inventory, _ = world.inventory()
    found = rows(inventory)
    assert found["alpha"].stages["staging"].state is ShareState.DRIFT
    assert any("333333333333" in p for p in found["alpha"].stages["staging"].problems)
    assert found["gamma"].stages["staging"].state is ShareState.OTHER_POLICY
    assert found["gamma"].stages["staging"].problems == ("held by the shares of other",)


def test_pending_while_associating_and_a_per_card_share_counts(world: World) -> None:
    world.emu.set_association_delay(seconds=3600)
    (arn,) = make_cards(["slow"], "PendingReview")
    ensure_share(world.ram, world.policy, arn, stages=[world.policy.stage("staging")])
    inventory, _ = world.inventory()
    staging = rows(inventory)["slow"].stages["staging"]
    assert staging.state is ShareState.PENDING and staging.share_name == "mcgov-slow-staging"
    world.emu.clock.advance(3601)
    inventory, _ = world.inventory()
    assert rows(inventory)["slow"].stages["staging"].state is ShareState.ASSOCIATED


def test_approval_changed_and_unlisted_approver(world: World) -> None:
    changed, unlisted = make_cards(["changed", "unlisted"], "PendingReview")
    world.approve(changed)
    CardStore(world.sm).update_content(changed, json.dumps({"model_overview": {"model_description": "edited"}}))
    card = world.sm.describe_model_card(ModelCardName=unlisted)
    world.sm.update_model_card(ModelCardName=unlisted, ModelCardStatus="Approved")
    record = ApprovalRecord(
        card["ModelCardVersion"] + 1,
        content_sha256(card["Content"]),
        "arn:aws:sts::111111111111:assumed-role/Intern/bob",
        "2026-12-01T00:00:00Z",
    )
    world.sm.add_tags(ResourceArn=unlisted, Tags=[{"Key": k, "Value": v} for k, v in record.to_tags().items()])
    inventory, _ = world.inventory()
    found = rows(inventory)
    assert found["changed"].approval.state is ApprovalState.CHANGED and found["changed"].approval.current is False
    row = found["unlisted"]
    assert row.approval.state is ApprovalState.UNLISTED_APPROVER
    assert row.approval.current is True and row.approval.approver_allowed is False
    assert row.card.read == "direct"  # an Approved card whose approval does not hold is read again


def test_what_search_has_not_indexed_yet_is_read_directly(world: World) -> None:
    make_cards(["indexed", "fresh", "moved"], "Draft")

    def lagging_index(parsed: dict[str, Any], **_: Any) -> None:
        parsed["Results"] = [r for r in parsed.get("Results", []) if r["ModelCard"]["ModelCardName"] != "fresh"]
        for result in parsed["Results"]:
            if result["ModelCard"]["ModelCardName"] == "moved":
                result["ModelCard"]["ModelCardStatus"] = "PendingReview"  # the index before a status change

    world.sm.meta.events.register("after-call.sagemaker.Search", lagging_index)
    inventory, calls = world.inventory()
    found = rows(inventory)
    assert {name: row.card.read for name, row in found.items()} == {
        "indexed": "search",
        "fresh": "direct",
        "moved": "direct",
    }
    assert found["moved"].card.status == "Draft"
    assert calls["sagemaker.DescribeModelCard"] == 2 and calls["sagemaker.ListTags"] == 2


class FakeArchive:
    """A decision source as the archive of "Gate Decision" events will be: records by (card, stage)."""

    name = "test archive"

    def __init__(self, records: dict[tuple[str, str], dict[str, Any]]) -> None:
        self.records = records
        self.asked: list[str] = []

    def last_decisions(self, card_arns: Any) -> dict[tuple[str, str], LastDecision]:
        self.asked = list(card_arns)
        return {key: LastDecision.from_record(record, self.name) for key, record in self.records.items()}


def test_last_decisions_come_from_the_source_given(world: World) -> None:
    arn, _ = make_cards(["gated", "never"], "PendingReview")
    record = {
        "status": "BLOCKED",
        "reason": "Account 222222222222 is still ASSOCIATING",
        "checked_at": "2026-12-04T11:00:00+00:00",
    }
    archive = FakeArchive({(arn, "staging"): record})
    inventory, _ = world.inventory(decisions=archive)
    found = rows(inventory)
    assert sorted(archive.asked) == sorted(r.card.arn for r in inventory.rows)
    decision = found["gated"].decisions["staging"]
    assert decision == LastDecision("BLOCKED", "2026-12-04T11:00:00+00:00", record["reason"], "test archive")
    assert found["never"].decisions["staging"] is None
    data = inventory.to_dict()
    assert data["decision_source"] == "test archive"
    assert data["summary"]["last_decision"]["staging"] == {"BLOCKED": 1, "unknown": 1}
    plain, _ = world.inventory()
    assert plain.to_dict()["decision_source"] is None


def test_decision_records_of_the_gate_parse() -> None:
    allowed = LastDecision.from_record({"allowed": True, "reasons": [], "checked_at": "t"}, "s")
    pending = LastDecision.from_record({"allowed": False, "pending": True, "reasons": ["a", "b"]}, "s")
    assert (allowed.status, pending.status, pending.reason) == ("ALLOWED", "PENDING", "a b")
    assert LastDecision.from_record({"status": "nonsense"}, "s").status == "BLOCKED"


STABLE_KEYS = {
    "top": {
        "schema_version",
        "policy_id",
        "card_account",
        "region",
        "topology",
        "generated_at",
        "decision_source",
        "stages",
        "summary",
        "notes",
        "cards",
    },
    "card": {
        "arn",
        "name",
        "status",
        "version",
        "content_sha256",
        "last_modified",
        "read",
        "approval",
        "stages",
        "last_decision",
        "hub",
    },
    "approval": {
        "state",
        "valid",
        "current",
        "approver",
        "approver_allowed",
        "version",
        "content_sha256",
        "approved_at",
        "signed",
        "problem",
    },
    "stage": {"state", "eligible", "share_arn", "share_name", "problems"},
    "summary": {"cards", "status", "approval", "stages", "last_decision", "hub"},
}


def test_cli_json_is_the_documented_contract(world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (arn,) = make_cards(["churn"], "PendingReview")
    world.approve(arn)
    reconcile(world.ram, world.sm, world.policy)
    world.emu.act_as("card")  # the CLI's default credentials: the card account
    assert main(["inventory", "--policy", str(EXAMPLE), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == STABLE_KEYS["top"] and set(data["summary"]) == STABLE_KEYS["summary"]
    (card,) = data["cards"]
    assert set(card) == STABLE_KEYS["card"] and set(card["approval"]) == STABLE_KEYS["approval"]
    assert set(card["stages"]) == {"staging", "prod"} and set(card["stages"]["prod"]) == STABLE_KEYS["stage"]
    assert card["approval"]["state"] == "valid" and card["stages"]["prod"]["state"] == "associated"
    assert data["schema_version"] == 1 and data["topology"] == "centralized"
    documented = (REPO / "docs" / "inventory.md").read_text(encoding="utf-8")
    for key in set().union(*STABLE_KEYS.values()):
        assert f"`{key}`" in documented, key

    assert main(["--output", "json", "inventory", "--policy", str(EXAMPLE)]) == 0
    assert set(json.loads(capsys.readouterr().out)) == STABLE_KEYS["top"]
    page = tmp_path / "fleet.html"
    assert main(["inventory", "--policy", str(EXAMPLE), "--html", str(page)]) == 0
    out = capsys.readouterr()
    assert "inventory: policy example: 1 card(s)" in out.out and "churn" in out.out
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("policy_text", "flag"),
    [
        ("version: 1\ncard_account: '1111'\nregion: us-east-1\nstages: {}\n", None),
        ("version: [\n", None),
        (None, "dir"),
    ],
)
def test_cli_bad_input_exits_2_with_one_line_and_writes_nothing(
    world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path, policy_text: str | None, flag: str | None
) -> None:
    world.emu.act_as("card")
    policy = tmp_path / "policy.yaml"
    policy.write_text(policy_text if policy_text is not None else EXAMPLE.read_text(encoding="utf-8"))
    target = tmp_path if flag == "dir" else tmp_path / "out.html"
    assert main(["inventory", "--policy", str(policy), "--html", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "out.html").exists()


def hostile_inventory() -> Any:
    """Names, tags and AWS text with terminal escapes, bidi overrides and HTML: what must not break a page."""
    policy = load_policy(EXAMPLE)
    evil = "<script>alert(1)</script>\x1b[31m\u202egnp.exe"
    tags = ApprovalRecord(1, "0" * 64, f"arn:aws:sts::111111111111:assumed-role/{evil}", "</td><img src=x>").to_tags()
    tags["mcgov:approval:approver"] = evil + '" onmouseover="alert(2)'
    card = CardRecord(
        arn=f"arn:aws:sagemaker:{REGION}:{OWNER}:model-card/{evil}",
        name=evil,
        status="Approved",
        version=1,
        content=json.dumps({"model_overview": {"model_description": evil}}),
        tags=tags,
    )
    empty = StageInventory(stage="", shares=(), resource_rows={}, principal_rows={})
    decisions = {(card.arn, "prod"): LastDecision("BLOCKED", evil, evil + "'\"<b>", evil)}
    return build_inventory(
        policy,
        [card],
        {"staging": empty, "prod": empty},
        NOW,
        decisions=decisions,
        decision_source=evil,
        notes=[evil],
    )


def test_hostile_text_is_shown_escaped_in_the_table_and_the_page() -> None:
    inventory = hostile_inventory()
    table = render_table(inventory)
    assert "\x1b" not in table and "\u202e" not in table and "\\x1b[31m" in table and "\\u202e" in table
    page = render_html(inventory)
    assert "\x1b" not in page and "\u202e" not in page
    assert page.count("<script") == 1 and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and 'onmouseover="' not in page


def test_hub_copies_current_stale_drift_and_gone(tmp_path: Path) -> None:
    with Emulator(EmulatorConfig(any_account_in_organization=True)) as emu:
        emu.set_association_delay(polls=None, seconds=None)
        seed(emu)
        publish_all(emu)
        run_sync(emu)
        _, spoke_sm, _ = clients(emu, SPOKE_A)
        CardStore(spoke_sm).update_content(f"arn:aws:sagemaker:{REGION}:{SPOKE_A}:model-card/churn", content("v2"))
        hub_ram, hub_sm, _ = clients(emu, HUB)
        edited = json.loads(CardStore(hub_sm).describe(f"{SPOKE_A}-ltv")["Content"])
        edited["model_overview"]["model_description"] = "edited in the hub"
        CardStore(hub_sm).update_content(f"{SPOKE_A}-ltv", json.dumps(edited))
        policy = parse_policy(POLICY)
        start = len(emu.api_calls)
        inventory = read_fleet(hub_sm, hub_ram, policy, NOW)
        calls = Counter(f"{s}.{op}" for account, s, op in emu.api_calls[start:] if account == HUB)
    found = rows(inventory)
    assert found[f"{SPOKE_A}-churn"].hub.state is HubState.STALE
    assert found[f"{SPOKE_A}-ltv"].hub.state is HubState.DRIFT
    assert found["555555555555-fraud-score"].hub.state is HubState.CURRENT
    assert found[f"{SPOKE_A}-churn"].hub.provenance.source_version == 1
    assert inventory.to_dict()["topology"] == "hub-and-spoke"
    assert inventory.summary()["hub"] == {"current": 1, "drift": 1, "stale": 1}
    assert calls["ram.ListResources"] == 1 and calls["sagemaker.DescribeModelCard"] == 3  # one per copy's source


def test_a_copy_whose_source_is_no_longer_shared_is_gone() -> None:
    policy = load_policy(EXAMPLE)
    copy = CardRecord(
        "arn:aws:sagemaker:us-east-1:111111111111:model-card/444444444444-a", "444444444444-a", "Draft", 1, "{}", {}
    )
    provenance = Provenance("arn:aws:sagemaker:us-east-1:444444444444:model-card/a", 3, "0" * 64, "Draft", "t")
    assert hub_view(policy, copy, provenance, SourceRead(listed=False), "now").state is HubState.GONE
    unread = hub_view(policy, copy, provenance, SourceRead(listed=True, error="denied"), "now")
    assert unread.state is HubState.UNREADABLE and unread.detail == "denied"


def test_the_emulator_searches_model_cards_as_search_records(world: World) -> None:
    """Search(Resource=ModelCard): the latest version with Content and Tags, paged; what it cannot answer it refuses."""
    (arn,) = make_cards(["searched"], "Draft")
    make_cards([f"other-{i}" for i in range(11)], "Draft")
    world.sm.update_model_card(ModelCardName=arn, ModelCardStatus="PendingReview")
    world.sm.add_tags(ResourceArn=arn, Tags=[{"Key": "team", "Value": "risk"}])
    first = world.sm.search(Resource="ModelCard")
    assert len(first["Results"]) == 10 and first["NextToken"]
    pages = list(world.sm.get_paginator("search").paginate(Resource="ModelCard", PaginationConfig={"PageSize": 5}))
    records = {r["ModelCard"]["ModelCardName"]: r["ModelCard"] for p in pages for r in p["Results"]}
    assert len(pages) == 3 and len(records) == 12
    card = records["searched"]
    assert (card["ModelCardVersion"], card["ModelCardStatus"], card["Content"]) == (2, "PendingReview", CONTENT)
    assert card["Tags"] == [{"Key": "team", "Value": "risk"}]
    for kwargs in (
        {"SearchExpression": {"Filters": [{"Name": "ModelCardName", "Operator": "Equals", "Value": "x"}]}},
        {"CrossAccountFilterOption": "CrossAccount"},
        {"NextToken": "forged"},
    ):
        with pytest.raises(world.sm.exceptions.ClientError, match="ValidationException"):
            world.sm.search(Resource="ModelCard", **kwargs)


def test_cli_shows_hostile_aws_text_escaped(world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A share name with a terminal escape and HTML, an approver tag with a line separator: escaped on the terminal,
    JSON escapes in --json, text in the page."""
    (arn,) = make_cards(["plain"], "PendingReview")
    hostile = "mcgov-\x1b[2J<b>boom</b>\u202e"
    tags = {
        "mcgov:managed-by": "model-card-governance",
        "mcgov:stage": "staging",
        "mcgov:policy-id": "example",
        "mcgov:card-arn": arn,
        "mcgov:permission-arn": world.policy.stage("staging").permission,
    }
    world.ram.create_resource_share(
        name=hostile,
        resourceArns=[arn],
        principals=["222222222222", "333333333333"],
        tags=[{"key": k, "value": v} for k, v in tags.items()],
    )
    world.sm.add_tags(ResourceArn=arn, Tags=[{"Key": "mcgov:approval:approver", "Value": "eve\u2028root"}])
    world.emu.act_as("card")
    page = tmp_path / "page.html"
    assert main(["inventory", "--policy", str(EXAMPLE), "--html", str(page)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out and "drift" in out
    assert main(["inventory", "--policy", str(EXAMPLE), "--json"]) == 0
    text = capsys.readouterr().out
    assert "\x1b" not in text and "\\u001b[2J<b>boom</b>\\u202e" in text
    (card,) = json.loads(text)["cards"]
    assert card["stages"]["staging"]["state"] == "drift" and card["stages"]["staging"]["share_name"] == hostile
    html = page.read_text(encoding="utf-8")
    assert "\x1b" not in html and "<b>boom" not in html and "&lt;b&gt;boom&lt;/b&gt;" in html


def _share(arn: str, tags: dict[str, str]) -> ResourceShare:
    return ResourceShare(arn=arn, name=arn.rsplit("/", 1)[1], status=ShareStatus.ACTIVE, tags=tuple(tags.items()))


def _row(share: str, entity: str, kind: str, status: str, at: int) -> Association:
    when = datetime.fromtimestamp(at, tz=UTC)
    return Association(share, entity, AssociationType(kind), AssociationStatus(status), last_updated_time=when)


def test_share_state_rules_on_rows_read() -> None:
    """Pure: a card taken out of a share is not shared by it; a share made before ownership tags that grants exactly
    the stage's accounts counts (adopted); one that grants more is drift."""
    policy = load_policy(EXAMPLE)
    card = CardRecord(f"arn:aws:sagemaker:{REGION}:{OWNER}:model-card/a", "a", "PendingReview", 1, CONTENT, {})
    permission = policy.stage("staging").permission
    legacy = {"mcgov:managed-by": "model-card-governance", "mcgov:stage": "staging", "mcgov:permission-arn": permission}
    owned = {**legacy, "mcgov:policy-id": "example"}

    def state(shares: list[Any], resources: dict[str, list[Any]], principals: dict[str, list[Any]]) -> Any:
        inventory = StageInventory("staging", tuple(shares), resources, principals)
        empty = StageInventory("prod", (), {}, {})
        built = build_inventory(policy, [card], {"staging": inventory, "prod": empty}, NOW)
        return built.rows[0].stages["staging"]

    left = "arn:aws:ram:us-east-1:111111111111:resource-share/left"
    rows_left = [
        _row(left, card.arn, "RESOURCE", "ASSOCIATED", 1),
        _row(left, card.arn, "RESOURCE", "DISASSOCIATED", 2),
    ]
    granted = [_row(left, "222222222222", "PRINCIPAL", "ASSOCIATED", 1)]
    assert state([_share(left, owned)], {left: rows_left}, {left: granted}).state is ShareState.NOT_SHARED

    old = "arn:aws:ram:us-east-1:111111111111:resource-share/old"
    held = [_row(old, card.arn, "RESOURCE", "ASSOCIATED", 1)]
    exact = [_row(old, "222222222222", "PRINCIPAL", "ASSOCIATED", 1)]
    adopted = state([_share(old, legacy)], {old: held}, {old: exact})
    assert adopted.state is ShareState.ASSOCIATED and adopted.share_name == "old"
    wider = [*exact, _row(old, "333333333333", "PRINCIPAL", "ASSOCIATED", 1)]
    drift = state([_share(old, legacy)], {old: held}, {old: wider})
    assert drift.state is ShareState.DRIFT and "333333333333" in drift.problems[0]


def test_cli_html_path_is_checked_before_any_aws_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import mcgov.steps.cli.inventory as cli_inventory

    def no_session(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a session was made before the --html path was checked")

    monkeypatch.setattr(cli_inventory, "make_session", no_session)
    target = tmp_path / "missing" / "inventory.html"
    assert main(["inventory", "--policy", str(EXAMPLE), "--html", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--html" in err and "does not exist" in err
    assert not target.parent.exists()


def test_cli_an_empty_html_path_is_refused_not_ignored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--html ''`` (an unset variable in a script) names the current folder: refused, not silently skipped."""
    assert main(["inventory", "--policy", str(EXAMPLE), "--html", ""]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--html" in err and "is a directory" in err
