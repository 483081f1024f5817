"""Hub-and-spoke on the emulator: spokes publish through RAM, the hub syncs copies with provenance."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from botocore.exceptions import ClientError

from mcgov.emulator import Emulator, EmulatorConfig
from mcgov.errors import BadInputError
from mcgov.share_policies.loader import parse_policy
from mcgov.steps.card.store import CardStore
from mcgov.steps.cli.main import main
from mcgov.steps.common.jsonutil import content_sha256
from mcgov.steps.hub.hub_side import sync
from mcgov.steps.hub.naming import hub_card_name
from mcgov.steps.hub.plan import Outcome
from mcgov.steps.hub.provenance import read_provenance
from mcgov.steps.hub.spoke_side import publish

HUB, SPOKE_A, SPOKE_B, OUTSIDER = "111111111111", "444444444444", "555555555555", "666666666666"
POLICY = {
    "version": 1,
    "topology": "hub-and-spoke",
    "hub_account": HUB,
    "region": "us-east-1",
    "spokes": [{"account": SPOKE_A}, {"account": SPOKE_B, "select": {"name-prefix": "fraud-"}}],
}
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def content(text: str) -> str:
    return json.dumps(
        {
            "model_overview": {"model_description": text},
            "additional_information": {"custom_details": {"team": "risk", "mcgov.hub.source_arn": "forged"}},
        }
    )


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig(any_account_in_organization=True)) as emulator:
        emulator.set_association_delay(polls=None, seconds=None)
        yield emulator


def clients(emu: Emulator, account: str) -> tuple[Any, Any, Any]:
    session = emu.session(account)
    return session.client("ram"), session.client("sagemaker"), session.client("sts")


def seed(emu: Emulator) -> None:
    _, sm_a, _ = clients(emu, SPOKE_A)
    CardStore(sm_a).create("churn", content("churn v1"), "Approved")
    CardStore(sm_a).create("ltv", content("ltv v1"), "Draft")
    _, sm_b, _ = clients(emu, SPOKE_B)
    CardStore(sm_b).create("fraud-score", content("fraud v1"), "PendingReview")
    CardStore(sm_b).create("internal", content("not published"), "Draft")


def publish_all(emu: Emulator) -> None:
    policy = parse_policy(POLICY)
    for account in (SPOKE_A, SPOKE_B):
        report = publish(*clients(emu, account), policy)
        assert not report.failed, report.to_dict()


def run_sync(emu: Emulator, **kwargs: Any) -> Any:
    ram, sm, _ = clients(emu, HUB)
    return sync(ram, sm, parse_policy(POLICY), now=NOW, **kwargs)


def outcomes(report: Any) -> dict[str, str]:
    return {a.hub_name: a.outcome.value for s in report.spokes for a in s.actions}


def writes(emu: Emulator, start: int) -> list[tuple[str, str, str]]:
    return [c for c in emu.api_calls[start:] if c[2] in ("CreateModelCard", "UpdateModelCard")]


def test_two_spokes_sync_with_provenance_and_rerun_writes_nothing(emu: Emulator) -> None:
    seed(emu)
    publish_all(emu)
    report = run_sync(emu)
    assert outcomes(report) == {
        f"{SPOKE_A}-churn": "synced",
        f"{SPOKE_A}-ltv": "synced",
        f"{SPOKE_B}-fraud-score": "synced",
    }
    hub = CardStore(clients(emu, HUB)[1])
    copy = hub.describe(f"{SPOKE_A}-churn")
    source = CardStore(clients(emu, SPOKE_A)[1]).describe(f"arn:aws:sagemaker:us-east-1:{SPOKE_A}:model-card/churn")
    details = json.loads(copy["Content"])["additional_information"]["custom_details"]
    assert details["team"] == "risk"
    assert details["mcgov.hub.source_arn"] == source["ModelCardArn"]
    assert details["mcgov.hub.source_version"] == str(source["ModelCardVersion"])
    assert details["mcgov.hub.source_sha256"] == content_sha256(source["Content"])
    assert details["mcgov.hub.synced_at"] == "2026-01-02T03:04:05Z"
    assert copy["ModelCardStatus"] == "PendingReview"  # the hub never approves
    assert details["mcgov.hub.source_status"] == "Approved"
    assert hub.describe(f"{SPOKE_B}-fraud-score")["ModelCardStatus"] == "PendingReview"

    start = len(emu.api_calls)
    again = run_sync(emu)
    assert set(outcomes(again).values()) == {"unchanged"}
    assert writes(emu, start) == []


def test_changed_source_gives_a_new_hub_version_and_status_mirrors(emu: Emulator) -> None:
    seed(emu)
    publish_all(emu)
    run_sync(emu)
    hub = CardStore(clients(emu, HUB)[1])
    before = hub.describe(f"{SPOKE_A}-ltv")["ModelCardVersion"]
    spoke = CardStore(clients(emu, SPOKE_A)[1])
    spoke.update_content("ltv", content("ltv v2"))
    spoke.update_status("ltv", "PendingReview")
    report = run_sync(emu)
    assert outcomes(report)[f"{SPOKE_A}-ltv"] == "synced"
    after = hub.describe(f"{SPOKE_A}-ltv")
    assert after["ModelCardVersion"] > before
    assert after["ModelCardStatus"] == "PendingReview"
    assert json.loads(after["Content"])["model_overview"]["model_description"] == "ltv v2"
    provenance = read_provenance(json.loads(after["Content"]))
    assert provenance is not None and provenance.source_version == spoke.describe("ltv")["ModelCardVersion"]


def test_hub_edit_is_drift_and_never_overwritten(emu: Emulator) -> None:
    seed(emu)
    publish_all(emu)
    run_sync(emu)
    hub = CardStore(clients(emu, HUB)[1])
    name = f"{SPOKE_A}-churn"
    edited = json.loads(hub.describe(name)["Content"])
    edited["model_overview"]["model_description"] = "edited in the hub"
    hub.update_content(name, json.dumps(edited))
    CardStore(clients(emu, SPOKE_A)[1]).update_content("churn", content("churn v2"))
    report = run_sync(emu)
    action = next(a for s in report.spokes for a in s.actions if a.hub_name == name)
    assert action.outcome is Outcome.DRIFT and "edited in the hub" in action.detail
    assert json.loads(hub.describe(name)["Content"])["model_overview"]["model_description"] == "edited in the hub"
    assert report.exit_code == 0


def test_unshared_card_is_gone_then_archived_with_prune(emu: Emulator) -> None:
    seed(emu)
    publish_all(emu)
    run_sync(emu)
    ram_a, _, _ = clients(emu, SPOKE_A)
    shares = ram_a.get_resource_shares(resourceOwner="SELF")["resourceShares"]
    ram_a.disassociate_resource_share(
        resourceShareArn=shares[0]["resourceShareArn"],
        resourceArns=[f"arn:aws:sagemaker:us-east-1:{SPOKE_A}:model-card/ltv"],
    )
    report = run_sync(emu)
    assert outcomes(report)[f"{SPOKE_A}-ltv"] == "gone"
    hub = CardStore(clients(emu, HUB)[1])
    assert hub.describe(f"{SPOKE_A}-ltv")["ModelCardStatus"] != "Archived"
    pruned = run_sync(emu, prune=True)
    assert outcomes(pruned)[f"{SPOKE_A}-ltv"] == "gone"
    assert hub.describe(f"{SPOKE_A}-ltv")["ModelCardStatus"] == "Archived"
    assert f"{SPOKE_A}-ltv" not in outcomes(run_sync(emu, prune=True))


def test_dry_run_writes_nothing(emu: Emulator) -> None:
    seed(emu)
    publish_all(emu)
    start = len(emu.api_calls)
    report = run_sync(emu, dry_run=True)
    assert set(outcomes(report).values()) == {"would sync"}
    assert writes(emu, start) == []


class FailingSageMaker:
    """The hub's SageMaker client, failing with ``code`` from the ``after``-th write on (throttling exhausted)."""

    def __init__(self, client: Any, after: int, code: str = "ThrottlingException") -> None:
        self._client, self._after, self._code, self.writes = client, after, code, 0

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)
        if name not in ("create_model_card", "update_model_card"):
            return method

        def call(**kwargs: Any) -> Any:
            self.writes += 1
            if self.writes > self._after:
                raise ClientError({"Error": {"Code": self._code, "Message": "Rate exceeded"}}, name)
            return method(**kwargs)

        return call


def test_spoke_failing_mid_sync_is_reported_and_converges_on_rerun(emu: Emulator) -> None:
    seed(emu)
    publish_all(emu)
    ram, sm, _ = clients(emu, HUB)
    report = sync(ram, FailingSageMaker(sm, after=1), parse_policy(POLICY), now=NOW)
    results = outcomes(report)
    assert list(results.values()).count("synced") == 1
    assert list(results.values()).count("failed") == 2
    failed = [a for s in report.spokes for a in s.actions if a.outcome is Outcome.FAILED]
    assert all("ThrottlingException" in a.detail for a in failed)
    assert report.exit_code == 1
    rerun = run_sync(emu)
    assert sorted(outcomes(rerun).values()) == ["synced", "synced", "unchanged"]
    assert set(outcomes(run_sync(emu)).values()) == {"unchanged"}


class DeniedRam:
    def __init__(self, client: Any) -> None:
        self._client = client

    def get_paginator(self, name: str) -> Any:
        if name == "list_resources":
            raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "denied by SCP"}}, "ListResources")
        return self._client.get_paginator(name)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def test_a_spoke_that_cannot_be_listed_does_not_stop_the_others(emu: Emulator) -> None:
    seed(emu)
    publish_all(emu)
    ram, sm, _ = clients(emu, HUB)
    report = sync(DeniedRam(ram), sm, parse_policy(POLICY), now=NOW)
    assert [s.error is not None for s in report.spokes] == [True, True]
    assert "denied by SCP" in (report.spokes[0].error or "")
    good = run_sync(emu, spokes=[SPOKE_B])
    assert outcomes(good) == {f"{SPOKE_B}-fraud-score": "synced"}


def test_publish_refuses_an_account_that_is_not_a_spoke(emu: Emulator) -> None:

    with pytest.raises(BadInputError, match="666666666666 is not a spoke"):
        publish(*clients(emu, OUTSIDER), parse_policy(POLICY))
    with pytest.raises(BadInputError, match="is the hub"):
        publish(*clients(emu, HUB), parse_policy(POLICY))
    assert not [c for c in emu.api_calls if c[2] in ("CreateResourceShare", "CreatePermission")]


def test_publish_is_read_only_and_idempotent(emu: Emulator) -> None:
    seed(emu)
    publish_all(emu)
    start = len(emu.api_calls)
    again = publish(*clients(emu, SPOKE_A), parse_policy(POLICY))
    assert {r["outcome"].value for r in again.rows} == {"already shared"}
    assert not [c for c in emu.api_calls[start:] if c[2] in ("CreateResourceShare", "AssociateResourceShare")]
    hub_sm = clients(emu, HUB)[1]
    with pytest.raises(ClientError, match="AccessDenied"):
        hub_sm.update_model_card(
            ModelCardName=f"arn:aws:sagemaker:us-east-1:{SPOKE_A}:model-card/churn", ModelCardStatus="Draft"
        )


def test_share_back_lets_the_spoke_read_its_copies(emu: Emulator) -> None:
    seed(emu)
    publish_all(emu)
    ram, sm, _ = clients(emu, HUB)
    report = sync(ram, sm, parse_policy({**POLICY, "share_back_to_spokes": True}), now=NOW)
    assert report.spokes[0].shared_back and not report.spokes[0].shared_back.get("failed")
    copy_arn = f"arn:aws:sagemaker:us-east-1:{HUB}:model-card/{hub_card_name(SPOKE_A, 'churn')}"
    assert CardStore(clients(emu, SPOKE_A)[1]).describe(copy_arn)["ModelCardArn"] == copy_arn
    with pytest.raises(Exception, match="AccessDenied"):
        CardStore(clients(emu, SPOKE_B)[1]).describe(copy_arn)


def test_cli_publish_and_sync(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(emu)
    path = tmp_path / "hub.yaml"
    path.write_text(yaml.safe_dump(POLICY))
    for account in (SPOKE_A, SPOKE_B):
        emu.act_as(account)
        assert main(["hub", "publish", "--policy", str(path)]) == 0
    emu.act_as(SPOKE_A)
    assert main(["hub", "sync", "--policy", str(path)]) == 2
    assert "run hub sync with the hub account's credentials" in capsys.readouterr().err
    emu.act_as(HUB)
    assert main(["hub", "sync", "--policy", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["counts"]["synced"] == 3 and out["converged"] is True
    assert main(["hub", "sync", "--policy", str(path), "--spoke", SPOKE_B]) == 0
    table = capsys.readouterr().out
    assert SPOKE_B in table and SPOKE_A not in table.split("\n", 3)[3]
    assert main(["hub", "sync", "--policy", str(path), "--spoke", OUTSIDER]) == 2
    assert "not a spoke" in capsys.readouterr().err


@pytest.fixture
def outside() -> Iterator[Emulator]:
    """The hub outside its spokes' organization: a spoke's share reaches it as an invitation."""
    config = EmulatorConfig(organization_accounts=[SPOKE_A, SPOKE_B, OUTSIDER])
    with Emulator(config) as emulator:
        emulator.set_association_delay(polls=None, seconds=None)
        yield emulator


EXTERNAL_POLICY = {**POLICY, "allow_external_principals": True}


def _invitations(emu: Emulator) -> dict[str, str]:
    rows = emu.session(HUB).client("ram").get_resource_share_invitations()["resourceShareInvitations"]
    return {r["senderAccountId"]: r["status"] for r in rows}


def _outsider_shares_a_card(emu: Emulator) -> None:
    """An account that is not a spoke invites the hub to a model-card share."""
    _, sm, _ = clients(emu, OUTSIDER)
    arn = CardStore(sm).create("stranger", content("not ours"), "Draft")
    ram = emu.session(OUTSIDER).client("ram")
    ram.create_resource_share(name="s", resourceArns=[arn], principals=[HUB], allowExternalPrincipals=True)


def test_the_hub_accepts_its_spokes_invitations_and_only_theirs(
    outside: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emu = outside
    _, sm_a, _ = clients(emu, SPOKE_A)
    CardStore(sm_a).create("churn", content("churn v1"), "Draft")
    assert not publish(*clients(emu, SPOKE_A), parse_policy(EXTERNAL_POLICY)).failed
    _outsider_shares_a_card(emu)
    assert _invitations(emu) == {SPOKE_A: "PENDING", OUTSIDER: "PENDING"}
    path = tmp_path / "hub.yaml"
    path.write_text(yaml.safe_dump(EXTERNAL_POLICY))
    emu.act_as(HUB)

    assert main(["hub", "sync", "--policy", str(path), "--dry-run", "--json"]) == 0  # a dry run accepts nothing
    dry = {s["spoke"]: s for s in json.loads(capsys.readouterr().out)["spokes"]}
    assert dry[SPOKE_A]["counts"]["pending"] == 1 and dry[SPOKE_A]["accepted_invitations"] == []
    assert dry[SPOKE_A]["pending"] == [f"arn:aws:sagemaker:us-east-1:{SPOKE_A}:model-card/churn"]
    assert _invitations(emu) == {SPOKE_A: "PENDING", OUTSIDER: "PENDING"}

    assert main(["hub", "sync", "--policy", str(path), "--json"]) == 0
    report = {s["spoke"]: s for s in json.loads(capsys.readouterr().out)["spokes"]}
    assert len(report[SPOKE_A]["accepted_invitations"]) == 1
    assert report[SPOKE_A]["counts"]["synced"] == 1 and report[SPOKE_A]["counts"]["pending"] == 0
    assert _invitations(emu) == {SPOKE_A: "ACCEPTED", OUTSIDER: "PENDING"}  # the outsider's is left alone
    assert CardStore(emu.session(HUB).client("sagemaker")).find(hub_card_name(OUTSIDER, "stranger")) is None


def test_shares_still_associating_are_pending_not_failed(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 0 means nothing failed: a spoke's cards RAM is still associating are counted and listed as pending."""
    seed(emu)
    emu.set_association_delay(polls=10**6)
    publish_all(emu)
    path = tmp_path / "hub.yaml"
    path.write_text(yaml.safe_dump(POLICY))
    emu.act_as(HUB)
    assert main(["hub", "sync", "--policy", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["counts"]["pending"] == 3 and out["counts"]["synced"] == 0 and out["converged"] is True
    by_spoke = {s["spoke"]: s for s in out["spokes"]}
    assert by_spoke[SPOKE_A]["counts"]["pending"] == 2 and by_spoke[SPOKE_B]["counts"]["pending"] == 1
    assert main(["hub", "sync", "--policy", str(path)]) == 0
    table = capsys.readouterr().out
    assert "PENDING" in table.splitlines()[2]
    assert (
        f"pending: spoke {SPOKE_A} shares 2 card(s) not yet ASSOCIATED (an invitation not accepted, or an "
        "association in progress); not a failure: the next sync copies them"
    ) in table
    emu.set_association_delay(polls=None, seconds=None)
    assert main(["hub", "sync", "--policy", str(path), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["counts"]["pending"] == 0 and again["counts"]["synced"] == 3
