"""Pure parts of hub-and-spoke: the policy model, copy names, provenance and the per-card plan."""

from __future__ import annotations

import json

import pytest

from mcgov.errors import BadInputError
from mcgov.identifiers import is_card_name
from mcgov.share_policies.loader import parse_policy
from mcgov.share_policies.models import HubSpokePolicy, SharePolicy
from mcgov.steps.hub.naming import hub_card_name
from mcgov.steps.hub.plan import HubCopy, Outcome, SourceCard, mirror_status, plan_card, plan_spoke
from mcgov.steps.hub.provenance import COPY_SHA256, Provenance, build_copy, read_provenance

HUB, SPOKE = "111111111111", "444444444444"
BASE = {
    "version": 1,
    "topology": "hub-and-spoke",
    "hub_account": HUB,
    "region": "us-east-1",
    "spokes": [{"account": SPOKE, "select": {"status": "Approved", "name-prefix": "churn-"}}],
}
ARN = f"arn:aws:sagemaker:us-east-1:{SPOKE}:model-card/churn"


def test_hub_policy_is_a_share_policy_whose_card_account_is_the_hub() -> None:
    policy = parse_policy(BASE)
    assert isinstance(policy, HubSpokePolicy) and isinstance(policy, SharePolicy)
    assert policy.card_account == HUB and policy.stages == {}
    assert policy.spokes[0].select.name_prefix == "churn-"
    assert (
        type(
            parse_policy(
                {k: v for k, v in BASE.items() if k not in ("topology", "hub_account", "spokes")}
                | {"card_account": HUB, "stages": {"s": {"accounts": [SPOKE], "required_card_status": "Draft"}}}
            )
        )
        is SharePolicy
    )


@pytest.mark.parametrize(
    ("change", "field", "text"),
    [
        ({"hub_account": "11111111111\n"}, "hub_account", "hub_account: "),
        ({"hub_account": 111111111111}, "hub_account", "write it quoted"),
        ({"card_account": HUB}, "card_account", "card_account: a hub-and-spoke policy names hub_account"),
        ({"spokes": [{"account": "*"}]}, "spokes[0].account", "12-digit"),
        ({"spokes": [{"account": "arn:aws:organizations::111111111111:ou/o-1/ou-1"}]}, "spokes[0].account", "12-digit"),
        ({"spokes": [{"account": "٤٤٤٤٤٤٤٤٤٤٤٤"}]}, "spokes[0].account", "12-digit"),
        ({"spokes": [{"account": HUB}]}, "spokes[0].account", "hub account itself"),
        ({"spokes": [{"account": SPOKE}, {"account": SPOKE}]}, "spokes[1]", "listed twice"),
        (
            {"spokes": [{"account": SPOKE, "select": {"name_prefix": "x"}}]},
            "spokes[0].select.name_prefix",
            "unknown key",
        ),
        (
            {"spokes": [{"account": SPOKE, "select": {"name-prefix": "-x"}}]},
            "spokes[0].select.name-prefix",
            "beginning of a card name",
        ),
        (
            {"stages": {"p": {"accounts": [HUB], "required_card_status": "Draft"}}},
            "stages.p.accounts[0]",
            "card account itself",
        ),
    ],
)
def test_hub_policy_keeps_the_security_rules(change: dict, field: str | None, text: str) -> None:
    with pytest.raises(BadInputError) as caught:
        parse_policy({**BASE, **change}, source="hub.yaml")
    assert caught.value.field == field and text in str(caught.value)


def test_copy_names_fit_the_card_name_rule_and_are_stable() -> None:
    assert hub_card_name(SPOKE, "churn") == f"{SPOKE}-churn"
    long = "m" * 63
    name = hub_card_name(SPOKE, long)
    assert len(name) == 63 and is_card_name(name) and name.startswith(f"{SPOKE}-")
    assert name == hub_card_name(SPOKE, long) != hub_card_name(SPOKE, "m" * 62 + "n")


def source(version: int = 1, status: str = "PendingReview", text: str = "v1") -> SourceCard:
    content = {
        "model_overview": {"model_description": text},
        "additional_information": {"custom_details": {"mcgov.hub.source_arn": "forged", "team": "a"}},
    }
    return SourceCard(ARN, "churn", SPOKE, version, status, content, f"{version:064d}")


def copy_of(src: SourceCard, status: str | None = None) -> HubCopy:
    content = build_copy(dict(src.content), Provenance(src.arn, src.version, src.content_sha256, src.status, "t0"))
    return HubCopy(hub_card_name(SPOKE, src.name), "arn:copy", 1, status or mirror_status(src.status), content)


def test_plan_creates_then_keeps_then_updates() -> None:
    created = plan_card(SPOKE, source(), None, "t1")
    assert created.outcome is Outcome.SYNCED and created.create and created.status == "PendingReview"
    content = json.loads(created.content or "{}")
    assert read_provenance(content) == Provenance(ARN, 1, f"{1:064d}", "PendingReview", "t1")
    assert content["additional_information"]["custom_details"]["team"] == "a"
    assert plan_card(SPOKE, source(), copy_of(source()), "t2").outcome is Outcome.UNCHANGED
    changed = plan_card(SPOKE, source(2, text="v2"), copy_of(source()), "t2")
    assert changed.outcome is Outcome.SYNCED and not changed.create and "1 -> 2" in changed.detail


def test_the_hub_never_approves_but_keeps_a_hub_approval() -> None:
    approved = source(status="Approved")
    assert plan_card(SPOKE, approved, None, "t").status == "PendingReview"
    assert plan_card(SPOKE, approved, copy_of(approved, status="Approved"), "t").outcome is Outcome.UNCHANGED
    assert plan_card(SPOKE, source(), copy_of(source(), status="Approved"), "t").outcome is Outcome.DRIFT


def test_hub_edits_and_foreign_cards_are_drift() -> None:
    edited = copy_of(source())
    content = json.loads(json.dumps(edited.content))
    content["model_overview"]["model_description"] = "hub edit"
    action = plan_card(SPOKE, source(2), HubCopy(edited.name, edited.arn, 2, edited.status, content), "t")
    assert action.outcome is Outcome.DRIFT and "edited in the hub" in action.detail and action.content is None
    foreign = HubCopy(edited.name, edited.arn, 1, "Draft", {"model_overview": {}})
    assert plan_card(SPOKE, source(), foreign, "t").outcome is Outcome.DRIFT
    assert COPY_SHA256 in edited.content["additional_information"]["custom_details"]


def test_gone_copies_are_archived_only_with_prune() -> None:
    other = SourceCard(ARN + "2", "churn2", SPOKE, 1, "Draft", {}, "0" * 64)
    copies = {c.name: c for c in (copy_of(source()), copy_of(other))}
    kept = plan_spoke(SPOKE, [source()], copies, "t")
    assert [(a.hub_name, a.outcome, a.archive) for a in kept] == [
        (f"{SPOKE}-churn", Outcome.UNCHANGED, False),
        (f"{SPOKE}-churn2", Outcome.GONE, False),
    ]
    assert plan_spoke(SPOKE, [source()], copies, "t", prune=True)[1].archive is True


def test_an_archived_copy_of_a_changed_source_fails_with_the_fix() -> None:
    archived = source(status="Archived")
    action = plan_card(SPOKE, source(2), copy_of(archived), "t")
    assert action.outcome is Outcome.FAILED and "mcgov card delete" in action.detail
    assert plan_card(SPOKE, archived, copy_of(archived), "t").outcome is Outcome.UNCHANGED


def test_policy_validate_summarises_the_hub_and_its_spokes(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    import yaml

    from mcgov.steps.cli.main import main

    path = tmp_path / "hub.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                **BASE,
                "spokes": [*BASE["spokes"], {"account": "555555555555"}],
                "share_back_to_spokes": True,
                "stages": {"audit": {"accounts": ["666666666666"], "required_card_status": "PendingReview"}},
            }
        )
    )
    assert main(["policy", "validate", str(path)]) == 0
    assert capsys.readouterr().out == (
        f"{path}: valid: policy hub, hub-and-spoke, hub {HUB}, us-east-1; 2 spoke(s): {SPOKE} (status Approved, "
        "name-prefix "
        "churn-), "
        "555555555555; share back to spokes: yes; stages: audit (1 account(s), PendingReview)\n"
    )
