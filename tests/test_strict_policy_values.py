"""Policy values are strict: YAML booleans, real numbers, finite, bounded; permissions in scope; no duplicate keys."""

from __future__ import annotations

import math

import pytest

from mcgov.errors import BadInputError
from mcgov.parsing import parse_yaml
from mcgov.share_policies.loader import parse_policy

BASE = {
    "version": 1,
    "card_account": "111111111111",
    "region": "us-east-1",
    "stages": {"staging": {"accounts": ["222222222222"], "required_card_status": "PendingReview"}},
}


def _with(**changes):
    data = dict(BASE)
    for key, value in changes.items():
        if key.startswith("gate_"):
            data.setdefault("gate", {})
            data["gate"] = {**data["gate"], key.removeprefix("gate_"): value}
        else:
            data[key] = value
    return data


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"allow_external_principals": "yes"}, "allow_external_principals"),
        ({"allow_external_principals": 1}, "allow_external_principals"),
        ({"gate_timeout_seconds": "900"}, "gate.timeout_seconds"),
        ({"gate_poll_interval_seconds": 1e-300}, "gate.poll_interval_seconds"),
        ({"gate_poll_interval_seconds": 0.5}, "gate.poll_interval_seconds"),
        ({"gate_timeout_seconds": math.nan}, "gate.timeout_seconds"),
        ({"gate_timeout_seconds": math.inf}, "gate.timeout_seconds"),
        ({"gate_invitation_window_seconds": math.inf}, "gate.invitation_window_seconds"),
        ({"gate_invitation_window_seconds": 10**9}, "gate.invitation_window_seconds"),
        ({"gate_timeout_seconds": True}, "gate.timeout_seconds"),
        ({"version": "1"}, "version"),
    ],
)
def test_lax_values_are_refused_naming_the_field(changes, field):
    with pytest.raises(BadInputError) as exc:
        parse_policy(_with(**changes), source="p.yaml")
    assert str(exc.value).startswith(f"p.yaml: {field}")


def test_backoff_cap_below_the_interval_is_refused():
    with pytest.raises(BadInputError, match="backoff_cap_seconds"):
        parse_policy(_with(gate={"poll_interval_seconds": 30, "backoff_cap_seconds": 10}), source="p.yaml")


def test_invitation_window_defaults_to_twelve_hours():
    assert parse_policy(BASE, source="p.yaml").gate.invitation_window_seconds == 43200


@pytest.mark.parametrize(
    "arn, needle",
    [
        ("arn:aws:ram:eu-west-1:111111111111:permission/ReadOnly", "card account 111111111111 and region us-east-1"),
        ("arn:aws:ram:us-east-1:999999999999:permission/ReadOnly", "card account 111111111111 and region us-east-1"),
        ("arn:aws-cn:ram:us-east-1:111111111111:permission/ReadOnly", "partition aws"),
        ("arn:aws:ram:us-east-1:aws:permission/AWSRAMPermissionSageMakerModelCards", "has no region"),
    ],
)
def test_permission_arns_must_be_in_the_policys_scope(arn, needle):
    with pytest.raises(BadInputError, match=needle):
        parse_policy(_with(permission_arn=arn), source="p.yaml")


def test_customer_permission_in_scope_is_accepted():
    arn = "arn:aws:ram:us-east-1:111111111111:permission/ModelCardReadOnly"
    assert parse_policy(_with(permission_arn=arn), source="p.yaml").permission_arn == arn


def test_a_duplicated_stage_cannot_swap_accounts():
    text = (
        "version: 1\ncard_account: '111111111111'\nregion: us-east-1\nstages:\n"
        "  staging: {accounts: ['222222222222'], required_card_status: PendingReview}\n"
        "  staging: {accounts: ['333333333333'], required_card_status: PendingReview}\n"
    )
    with pytest.raises(BadInputError, match="duplicate key .staging."):
        parse_policy(parse_yaml(text, "p.yaml"), source="p.yaml")


def test_the_invitation_window_stops_at_the_twelve_hours_ram_gives_a_model_card_invitation() -> None:
    """RAM expires model-card invitations after 12 hours; a longer window is refused, and the example holds 12 h."""
    from mcgov.steps.policy import load_policy
    from tests.conftest import REPO

    assert load_policy(str(REPO / "share_policies" / "example.yaml")).gate.invitation_window_seconds == 43200
    assert parse_policy({**BASE, "gate": {"invitation_window_seconds": 43200}}).gate.invitation_window_seconds == 43200
    with pytest.raises(BadInputError, match=r"gate\.invitation_window_seconds"):
        parse_policy({**BASE, "gate": {"invitation_window_seconds": 43201}})


@pytest.mark.parametrize(
    "data, field",
    [
        ({**BASE, "pasted-value-" * 8000: 1}, "<a key of 104000 characters>"),
        ({**BASE, "stages": {"pasted-value-" * 8000: BASE["stages"]["staging"]}}, "stages"),
    ],
)
def test_a_100_kb_key_is_named_by_its_length_not_echoed(data, field):
    """An unknown key or a stage name of 100 KB (an explicit ``? `` key has no length limit) gives one short line."""
    with pytest.raises(BadInputError, match=f"^p.yaml: {field}: ") as exc:
        parse_policy(data, source="p.yaml")
    assert "pasted-value" not in str(exc.value) and len(str(exc.value)) < 300


@pytest.mark.parametrize("value", [None, 1, ["churn"], {"name": "churn"}])
def test_model_package_group_of_another_type_names_the_field_and_the_fix(value):
    stages = {"staging": {**BASE["stages"]["staging"], "model_package_group": value}}
    with pytest.raises(BadInputError) as exc:
        parse_policy({**BASE, "stages": stages}, source="p.yaml")
    assert str(exc.value) == (
        "p.yaml: stages.staging.model_package_group: write true, false or the name of the model package group"
    )
