"""The share-ownership and hub corpus (``tests/share_hub_corpus.py``) on the emulator: shares belong to their policy
(issue 18 item 1) and hub sync neither trusts spoke content nor prunes what it could not read (item 7)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from botocore.exceptions import ClientError

from mcgov.emulator import Emulator, EmulatorConfig
from mcgov.share_policies.loader import parse_policy
from mcgov.share_policies.models import SharePolicy
from mcgov.steps.card.store import CardStore
from mcgov.steps.cli.main import main
from mcgov.steps.gate.decision import Decision
from mcgov.steps.gate.poller import check_once
from mcgov.steps.gate.reader import share_status
from mcgov.steps.hub.hub_side import sync
from mcgov.steps.hub.naming import hub_card_name
from mcgov.steps.hub.plan import Outcome as HubOutcome
from mcgov.steps.hub.provenance import PREFIX, read_provenance
from mcgov.steps.hub.spoke_side import publish
from mcgov.steps.reconcile.plan import Outcome, Selection
from mcgov.steps.reconcile.run import reconcile
from mcgov.steps.share.converge import ensure_share
from mcgov.steps.share.naming import (
    MANAGED_BY,
    TAG_BATCH,
    TAG_MANAGED_BY,
    TAG_PERMISSION,
    TAG_POLICY_ID,
    TAG_PRINCIPALS,
    TAG_STAGE,
    batch_share_name,
    principals_digest,
    share_name,
)
from tests.share_hub_corpus import FOREIGN_PROVENANCE, OWNERSHIP, RESERVED, SPOKE_CONTENT

REGION = "us-east-1"
CARD_ACCOUNT, PROD, OTHER, HAND = "111111111111", "333333333333", "555555555555", "999999999999"
PERMISSION = "arn:aws:ram::aws:permission/AWSRAMPermissionSageMakerModelCards"
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def policy(name: str, accounts: list[str], **extra: Any) -> SharePolicy:
    """A centralized policy loaded as the file ``policies/<name>.yaml`` (its id is the file name)."""
    data = {
        "version": 1,
        "card_account": CARD_ACCOUNT,
        "region": REGION,
        "stages": {"prod": {"accounts": accounts, "required_card_status": "PendingReview"}},
        **extra,
    }
    return parse_policy(data, source=f"policies/{name}.yaml")


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig(any_account_in_organization=True)) as emulator:
        emulator.set_association_delay(polls=None, seconds=None)
        yield emulator


class Account:
    """The card account's clients, and what another account can read."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        session = emu.session(CARD_ACCOUNT)
        self.ram = session.client("ram", region_name=REGION)
        self.sm = session.client("sagemaker", region_name=REGION)
        self.store = CardStore(self.sm)

    def card(self, name: str) -> str:
        content = json.dumps({"model_overview": {"model_description": name}})
        self.store.create(name, content, "PendingReview")
        return f"arn:aws:sagemaker:{REGION}:{CARD_ACCOUNT}:model-card/{name}"

    def shares(self, policy_id: str | None = None) -> list[dict[str, Any]]:
        rows = self.ram.get_resource_shares(resourceOwner="SELF", resourceShareStatus="ACTIVE")["resourceShares"]
        tagged = [(r, {t["key"]: t["value"] for t in r.get("tags", [])}) for r in rows]
        return [r for r, tags in tagged if policy_id is None or tags.get(TAG_POLICY_ID) == policy_id]

    def live(self, share_arn: str, kind: str) -> set[str]:
        rows = self.ram.get_resource_share_associations(associationType=kind, resourceShareArns=[share_arn])
        return {
            r["associatedEntity"]
            for r in rows["resourceShareAssociations"]
            if r["status"] in ("ASSOCIATING", "ASSOCIATED")
        }

    def readable_by(self, account: str, card_arn: str) -> bool:
        client = self.emu.session(account).client("sagemaker", region_name=REGION)
        try:
            client.describe_model_card(ModelCardName=card_arn)
        except ClientError:
            return False
        return True

    def gate(self, policy: SharePolicy, card_arn: str) -> Decision:
        return check_once(self.ram, self.sm, policy, policy.stage("prod"), card_arn, NOW)

    def legacy_share(self, principals: list[str], cards: list[str], *, per_card: str | None = None) -> str:
        """A share as mcgov made it before ownership tags (no ``mcgov:policy-id``, no ``mcgov:principals``)."""
        tags = {TAG_STAGE: "prod", TAG_PERMISSION: PERMISSION, TAG_MANAGED_BY: MANAGED_BY}
        if per_card:
            tags["mcgov:card-arn"] = per_card
            name = share_name(per_card, "prod")
        else:
            tags[TAG_BATCH] = "1"
            name = batch_share_name("prod", PERMISSION, 1, None)
        return self.ram.create_resource_share(
            name=name,
            resourceArns=cards,
            principals=principals,
            permissionArns=[PERMISSION],
            allowExternalPrincipals=False,
            tags=[{"key": k, "value": v} for k, v in tags.items()],
        )["resourceShare"]["resourceShareArn"]


@pytest.fixture
def acct(emu: Emulator) -> Account:
    return Account(emu)


def rows(report: Any) -> dict[str, Any]:
    return {r["name"]: r for r in report.rows}


def ram_writes(emu: Emulator, start: int) -> list[str]:
    return [op for _, service, op in emu.api_calls[start:] if service == "ram" and not op.startswith(("Get", "List"))]


def test_every_ownership_case_has_a_scenario() -> None:
    names = {case.name for case in OWNERSHIP}
    tests = {
        name.removeprefix("test_ownership_")
        for name in dir(sys.modules[__name__])
        if name.startswith("test_ownership_")
    }
    assert names == tests


def test_ownership_issue_repro(acct: Account) -> None:
    churn, fraud = acct.card("churn-a"), acct.card("fraud-c")
    a, c = policy("a", [PROD]), policy("c", [PROD, OTHER])
    assert (a.policy_id, c.policy_id) == ("a", "c")
    first = reconcile(acct.ram, acct.sm, a, selection=Selection(name_prefix="churn-"))
    assert rows(first)["churn-a"]["outcome"] is Outcome.SHARED
    (a_share,) = acct.shares("a")

    report = reconcile(acct.ram, acct.sm, c)  # the issue's step: C's reconcile, no selection

    assert acct.live(a_share["resourceShareArn"], "PRINCIPAL") == {PROD}
    assert rows(report)["churn-a"]["outcome"] is Outcome.OTHER_POLICY
    assert "policy a" in rows(report)["churn-a"]["detail"]
    assert rows(report)["fraud-c"]["outcome"] is Outcome.SHARED
    (c_share,) = acct.shares("c")
    assert acct.live(c_share["resourceShareArn"], "PRINCIPAL") == {PROD, OTHER}
    assert acct.live(c_share["resourceShareArn"], "RESOURCE") == {fraud}
    tags = {t["key"]: t["value"] for t in c_share["tags"]}
    assert tags[TAG_STAGE] == "prod" and tags[TAG_PRINCIPALS] == principals_digest([OTHER, PROD])
    assert not acct.readable_by(OTHER, churn) and acct.readable_by(OTHER, fraud)
    assert acct.gate(a, churn).allowed and acct.gate(c, fraud).allowed
    again = reconcile(acct.ram, acct.sm, c)
    assert again.counts[Outcome.SHARED] == 0 and acct.live(a_share["resourceShareArn"], "PRINCIPAL") == {PROD}


def test_ownership_second_policy_same_card(acct: Account, emu: Emulator) -> None:
    churn = acct.card("churn")
    a, c = policy("a", [PROD]), policy("c", [PROD, OTHER])
    ours = ensure_share(acct.ram, a, churn).stages[0]
    theirs = ensure_share(acct.ram, c, churn).stages[0]
    assert ours.share_arn != theirs.share_arn and theirs.created
    assert acct.live(ours.share_arn, "PRINCIPAL") == {PROD}
    assert acct.live(theirs.share_arn, "PRINCIPAL") == {PROD, OTHER}
    start = len(emu.api_calls)
    again = ensure_share(acct.ram, a, churn, prune=True).stages[0]
    assert again.share_arn == ours.share_arn and not again.drift and ram_writes(emu, start) == []
    assert again.other_policies == {theirs.share_arn: "c"}
    decision = acct.gate(a, churn)
    assert decision.allowed and decision.shares == [ours.share_arn]
    status = share_status(acct.ram, churn, [a.stage("prod")], a.policy_id)["stages"][0]
    assert status["other_policies"] == {theirs.share_arn: "c"} and status["drift"]["extra_principals"] == []


def test_ownership_policy_edit_keeps_owner(acct: Account, tmp_path: Path) -> None:
    churn = acct.card("churn")
    path = tmp_path / "team.yaml"
    data = {
        "version": 1,
        "card_account": CARD_ACCOUNT,
        "region": REGION,
        "stages": {"prod": {"accounts": [PROD], "required_card_status": "PendingReview"}},
    }
    path.write_text(yaml.safe_dump(data))
    from mcgov.steps.policy import load_policy

    before = load_policy(path)
    reconcile(acct.ram, acct.sm, before)
    per_card = ensure_share(acct.ram, before, churn).stages[0]
    data["stages"]["prod"]["accounts"] = [PROD, OTHER]
    path.write_text(yaml.safe_dump(data))
    after = load_policy(path)
    assert after.policy_id == before.policy_id == "team"
    report = reconcile(acct.ram, acct.sm, after)
    (batch,) = [s for s in acct.shares("team") if s["name"].startswith("mcgov-batch-")]
    assert rows(report)["churn"]["outcome"] is Outcome.SHARED and report.shares[0]["added_principals"] == [OTHER]
    assert acct.live(batch["resourceShareArn"], "PRINCIPAL") == {PROD, OTHER}
    grown = ensure_share(acct.ram, after, churn).stages[0]
    assert grown.share_arn == per_card.share_arn and grown.added_principals == [OTHER] and not grown.created


def test_ownership_principals_added_by_hand(acct: Account) -> None:
    churn = acct.card("churn")
    a = policy("a", [PROD])
    reconcile(acct.ram, acct.sm, a)
    (share,) = acct.shares("a")
    acct.ram.associate_resource_share(resourceShareArn=share["resourceShareArn"], principals=[HAND])

    report = reconcile(acct.ram, acct.sm, a)
    assert rows(report)["churn"]["outcome"] is Outcome.DRIFT and HAND in rows(report)["churn"]["detail"]
    assert report.drift and "--prune" in rows(report)["churn"]["detail"]
    status = share_status(acct.ram, churn, [a.stage("prod")], a.policy_id)["stages"][0]
    assert status["drift"]["extra_principals"] == [HAND]
    blocked = acct.gate(a, churn)
    assert not blocked.allowed and any(HAND in r and "--prune" in r for r in blocked.reasons)

    pruned = reconcile(acct.ram, acct.sm, a, prune=True)
    assert pruned.shares[0]["removed_principals"] == [HAND] and not pruned.drift
    assert acct.live(share["resourceShareArn"], "PRINCIPAL") == {PROD}
    assert acct.gate(a, churn).allowed and not acct.readable_by(HAND, churn)


def test_ownership_per_card_principal_added_by_hand(acct: Account, capsys: pytest.CaptureFixture[str]) -> None:
    churn = acct.card("churn")
    a = policy("a", [PROD])
    arn = ensure_share(acct.ram, a, churn).stages[0].share_arn
    assert arn is not None
    acct.ram.associate_resource_share(resourceShareArn=arn, principals=[HAND])
    reported = ensure_share(acct.ram, a, churn).stages[0]
    assert reported.drift_principals == [HAND] and reported.kept_drift() == [f"share {arn} grants {HAND}"]
    assert not acct.gate(a, churn).allowed
    pruned = ensure_share(acct.ram, a, churn, prune=True).stages[0]
    assert pruned.removed_principals == [HAND] and not pruned.drift and acct.gate(a, churn).allowed


def test_ownership_principal_added_to_second_share(acct: Account) -> None:
    churn = acct.card("churn")
    a = policy("a", [PROD])
    reconcile(acct.ram, acct.sm, a)
    (batch,) = acct.shares("a")
    per_card = ensure_share(acct.ram, a, churn).stages[0].share_arn  # the card now sits in two shares of A
    acct.ram.associate_resource_share(resourceShareArn=batch["resourceShareArn"], principals=[HAND])

    decision = acct.gate(a, churn)  # the clean per-card share is judged; the other one still grants HAND
    assert not decision.allowed and any(batch["resourceShareArn"] in r and HAND in r for r in decision.reasons)
    status = share_status(acct.ram, churn, [a.stage("prod")], a.policy_id)["stages"][0]
    assert status["share"]["resourceShareArn"] == per_card
    assert status["drift"]["other_shares"] == {batch["resourceShareArn"]: [HAND]}
    report = reconcile(acct.ram, acct.sm, a)
    assert rows(report)["churn"]["outcome"] is Outcome.DRIFT and HAND in rows(report)["churn"]["detail"]
    pruned = reconcile(acct.ram, acct.sm, a, prune=True)
    assert rows(pruned)["churn"]["outcome"] is Outcome.SHARED and f"loses {HAND}" in rows(pruned)["churn"]["detail"]
    assert acct.live(batch["resourceShareArn"], "PRINCIPAL") == {PROD} and acct.gate(a, churn).allowed


def test_ownership_legacy_exact_is_adopted(acct: Account, emu: Emulator) -> None:
    churn = acct.card("churn")
    a = policy("a", [PROD])
    legacy = acct.legacy_share([PROD], [churn])
    start = len(emu.api_calls)
    report = reconcile(acct.ram, acct.sm, a)
    assert rows(report)["churn"]["outcome"] is Outcome.ALREADY and ram_writes(emu, start) == []
    decision = acct.gate(a, churn)
    assert decision.allowed and decision.shares == [legacy]
    status = share_status(acct.ram, churn, [a.stage("prod")], a.policy_id)["stages"][0]
    assert [s["ownership"] for s in status["shares"]] == ["adopted"]


def test_ownership_legacy_subset_not_adopted_by_other_policy(acct: Account, emu: Emulator) -> None:
    churn = acct.card("churn")
    legacy = acct.legacy_share([PROD], [churn])  # policy A's share, from before ownership tags
    c = policy("c", [PROD, OTHER])
    report = reconcile(acct.ram, acct.sm, c)
    assert rows(report)["churn"]["outcome"] is Outcome.OTHER_POLICY
    assert "made before ownership tags" in rows(report)["churn"]["detail"]
    assert acct.live(legacy, "PRINCIPAL") == {PROD} and acct.live(legacy, "RESOURCE") == {churn}
    assert acct.shares("c") == [] and not acct.readable_by(OTHER, churn)
    assert not acct.gate(c, churn).allowed  # C has no share of the card: blocked, not fooled by A's
    start = len(emu.api_calls)
    ensure = ensure_share(acct.ram, c, churn).stages[0]  # naming the card is taking it on purpose
    assert ensure.created and ensure.share_arn != legacy and "DeleteResourceShare" not in ram_writes(emu, start)
    assert acct.live(legacy, "PRINCIPAL") == {PROD} and acct.live(legacy, "RESOURCE") == {churn}


def test_ownership_legacy_with_extra_principal(acct: Account) -> None:
    churn = acct.card("churn")
    legacy = acct.legacy_share([PROD, HAND], [churn])
    a = policy("a", [PROD])
    decision = acct.gate(a, churn)
    assert not decision.allowed
    assert any(legacy in r and HAND in r and "made before ownership tags" in r for r in decision.reasons)
    status = share_status(acct.ram, churn, [a.stage("prod")], a.policy_id)["stages"][0]
    assert status["drift"]["other_shares"] == {legacy: [HAND]}

    left = reconcile(acct.ram, acct.sm, a)
    assert rows(left)["churn"]["outcome"] is Outcome.OTHER_POLICY and acct.live(legacy, "RESOURCE") == {churn}
    taken = reconcile(acct.ram, acct.sm, a, prune=True)
    assert rows(taken)["churn"]["outcome"] is Outcome.SHARED
    assert "leaves share" in rows(taken)["churn"]["detail"]
    assert acct.live(legacy, "RESOURCE") == set() and acct.live(legacy, "PRINCIPAL") == {PROD, HAND}
    assert acct.gate(a, churn).allowed and not acct.readable_by(HAND, churn)


def test_ownership_legacy_per_card_with_extra_principal(acct: Account) -> None:
    churn = acct.card("churn")
    legacy = acct.legacy_share([PROD, HAND], [churn], per_card=churn)
    a = policy("a", [PROD])
    result = ensure_share(acct.ram, a, churn)
    stage = result.stages[0]
    assert stage.created and stage.legacy_drift == {legacy: [HAND]} and result.drift
    assert stage.kept_drift() == [f"share {legacy} (made before ownership tags) grants {HAND}"]
    assert not acct.gate(a, churn).allowed
    pruned = ensure_share(acct.ram, a, churn, prune=True)
    assert pruned.stages[0].deleted_shares == [legacy] and not pruned.drift
    assert acct.gate(a, churn).allowed and not acct.readable_by(HAND, churn)


@pytest.mark.parametrize(("patch", "field", "why"), RESERVED, ids=[r[1] + "-" + str(i) for i, r in enumerate(RESERVED)])
def test_policy_validate_refuses_reserved_names(
    patch: dict[str, Any], field: str, why: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = {
        "version": 1,
        "card_account": CARD_ACCOUNT,
        "region": REGION,
        "stages": {"prod": {"accounts": [PROD], "required_card_status": "PendingReview"}},
        **patch,
    }
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert main(["policy", "validate", str(path)]) == 2, why
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and f"{path}: {field}: " in err
    assert str(patch.get("policy_id", "\x00")) not in err


def test_product_policies_keep_their_reserved_names() -> None:
    """What the product builds for itself (hub publish's stage ``hub``) never goes through the user's loader."""
    from mcgov.share_policies.models import HubSpokePolicy, Spoke
    from mcgov.steps.hub.spoke_side import publish_policy

    hub = parse_policy(
        {
            "version": 1,
            "topology": "hub-and-spoke",
            "hub_account": CARD_ACCOUNT,
            "region": REGION,
            "spokes": [{"account": PROD}],
        },
        source="hub.yaml",
    )
    assert isinstance(hub, HubSpokePolicy)
    made = publish_policy(hub, Spoke(account=PROD), PERMISSION)
    assert list(made.stages) == ["hub"] and made.policy_id == f"mcgov-hub-{CARD_ACCOUNT}"


def test_owner_tags_fit_ram_limits() -> None:
    """RAM tag limits (AWS tagging rules; botocore leaves TagValue unconstrained): 50 tags, 128/256 characters."""
    from mcgov.steps.share.naming import Owner, batch_share_tags, share_tags

    stage = policy("x" * 63, [f"{n:012d}" for n in range(1, 400)]).stage("prod")
    owner = Owner.of("p" + "x" * 62, stage)
    card = f"arn:aws-us-gov:sagemaker:us-gov-west-1:{CARD_ACCOUNT}:model-card/{'c' * 63}"
    for tags in (share_tags(card, owner, PERMISSION), batch_share_tags(owner, PERMISSION, 10_000)):
        assert len(tags) <= 50
        assert all(len(t["key"]) <= 128 and len(t["value"]) <= 256 for t in tags)
    assert len(principals_digest(stage.accounts)) == 71


# --- hub (item 7) ----------------------------------------------------------------------------------------------

HUB, SPOKE = "111111111111", "444444444444"
HUB_POLICY = {
    "version": 1,
    "topology": "hub-and-spoke",
    "hub_account": HUB,
    "region": REGION,
    "spokes": [{"account": SPOKE}],
}


class Hub:
    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.policy = parse_policy(HUB_POLICY)
        spoke = emu.session(SPOKE)
        self.spoke_ram, self.spoke_sm = spoke.client("ram"), spoke.client("sagemaker")
        self.spoke_sts = spoke.client("sts")
        hub = emu.session(HUB)
        self.ram, self.sm = hub.client("ram"), hub.client("sagemaker")

    def card(self, name: str, content: dict[str, Any]) -> str:
        CardStore(self.spoke_sm).create(name, json.dumps(content), "Draft")
        return f"arn:aws:sagemaker:{REGION}:{SPOKE}:model-card/{name}"

    def publish(self) -> None:
        assert not publish(self.spoke_ram, self.spoke_sm, self.spoke_sts, self.policy).failed

    def sync(self, sm: Any = None, **kwargs: Any) -> dict[str, Any]:
        report = sync(self.ram, sm or self.sm, self.policy, now=NOW, **kwargs)
        return {a.hub_name: a for s in report.spokes for a in s.actions}

    def copy(self, name: str) -> dict[str, Any]:
        return CardStore(self.sm).describe(hub_card_name(SPOKE, name))


@pytest.fixture
def hub(emu: Emulator) -> Hub:
    return Hub(emu)


class ThrottledDescribe:
    """The hub's SageMaker client whose DescribeModelCard of one source is throttled past botocore's retries."""

    def __init__(self, client: Any, arn: str) -> None:
        self._client, self._arn = client, arn

    def describe_model_card(self, **kwargs: Any) -> Any:
        if kwargs.get("ModelCardName") == self._arn:
            raise ClientError(
                {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "DescribeModelCard"
            )
        return self._client.describe_model_card(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def test_hub_throttled_source_during_prune_is_failed_not_gone(hub: Hub) -> None:
    kept = hub.card("churn", {"model_overview": {"model_description": "churn"}})
    gone = hub.card("ltv", {"model_overview": {"model_description": "ltv"}})
    hub.publish()
    assert {a.outcome for a in hub.sync().values()} == {HubOutcome.SYNCED}
    (share,) = [
        s for s in hub.spoke_ram.get_resource_shares(resourceOwner="SELF")["resourceShares"] if s["status"] == "ACTIVE"
    ]
    hub.spoke_ram.disassociate_resource_share(resourceShareArn=share["resourceShareArn"], resourceArns=[gone])

    actions = hub.sync(ThrottledDescribe(hub.sm, kept), prune=True)

    failed, archived = actions[hub_card_name(SPOKE, "churn")], actions[hub_card_name(SPOKE, "ltv")]
    assert failed.outcome is HubOutcome.FAILED and "ThrottlingException" in failed.detail
    assert archived.outcome is HubOutcome.GONE and archived.archive
    assert hub.copy("churn")["ModelCardStatus"] == "Draft" and hub.copy("ltv")["ModelCardStatus"] == "Archived"
    assert hub.sync(prune=True)[hub_card_name(SPOKE, "churn")].outcome is HubOutcome.UNCHANGED


@pytest.mark.parametrize(("name", "content", "field", "why"), SPOKE_CONTENT, ids=[c[0] for c in SPOKE_CONTENT])
def test_hub_refuses_hidden_characters_in_spoke_content(
    hub: Hub, name: str, content: dict[str, Any], field: str, why: str
) -> None:
    arn = hub.card("churn", {"model_overview": {"model_description": "clean"}})
    hub.publish()
    hub.sync()
    before = hub.copy("churn")
    CardStore(hub.spoke_sm).update_content(arn, json.dumps(content))

    action = hub.sync()[hub_card_name(SPOKE, "churn")]

    assert action.outcome is HubOutcome.FAILED, why
    assert f"({field}" in action.detail and "left as it is" in action.detail
    hidden = [c for c in json.dumps(content, ensure_ascii=False) if ord(c) < 0x20 or ord(c) > 0x7E]
    assert not any(c in action.detail for c in hidden)
    after = hub.copy("churn")
    assert (after["ModelCardVersion"], after["Content"]) == (before["ModelCardVersion"], before["Content"])


def test_hub_replaces_foreign_provenance_keys(hub: Hub) -> None:
    forged = {key: "arn:aws:sagemaker:us-east-1:999999999999:model-card/forged" for key, _ in FOREIGN_PROVENANCE}
    content = {
        "model_overview": {"model_description": "churn"},
        "additional_information": {"custom_details": {"team": "risk", **forged}},
    }
    arn = hub.card("churn", content)
    hub.publish()
    assert hub.sync()[hub_card_name(SPOKE, "churn")].outcome is HubOutcome.SYNCED
    copy = json.loads(hub.copy("churn")["Content"])
    details = copy["additional_information"]["custom_details"]
    assert details["team"] == "risk" and "forged" not in json.dumps(details)
    assert set(details) - {"team"} == {k for k in details if k.startswith(PREFIX)}
    provenance = read_provenance(copy)
    assert provenance is not None and provenance.source_arn == arn and provenance.source_version == 1
