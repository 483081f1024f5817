"""Share-policy loading, validation errors (file + field + fix) and the rendered IAM/KMS/RAM documents."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import boto3
import pytest
import yaml
from botocore.stub import Stubber

from mcgov.errors import BadInputError
from mcgov.share_policies.exceptions import PolicyUnavailableError
from mcgov.share_policies.iam import (
    consumer_iam_policy,
    kms_key_policy_statement,
    readonly_permission_template,
    render_all,
)
from mcgov.share_policies.loader import parse_policy, parse_policy_text
from mcgov.share_policies.models import AWS_MANAGED_EXPORT_PERMISSION, AWS_MANAGED_PERMISSION
from mcgov.steps.policy import load_policy

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "share_policies" / "example.yaml"
CARD = "arn:aws:sagemaker:us-east-1:111111111111:model-card/churn-model"


def base(**overrides: object) -> dict:
    data: dict = {
        "version": 1,
        "card_account": "111111111111",
        "region": "us-east-1",
        "approvers": ["arn:aws:iam::111111111111:role/CardReviewer"],
        "stages": {"prod": {"accounts": ["333333333333"], "required_card_status": "Approved"}},
    }
    data.update(overrides)
    return data


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(data) if not isinstance(data, str) else data)
    return path


def test_example_policy_loads_with_readonly_prod_permission() -> None:
    policy = load_policy(EXAMPLE)
    assert policy.card_account == "111111111111"
    assert policy.stages["staging"].accounts == ["222222222222"]
    assert policy.stage("staging").permission == AWS_MANAGED_PERMISSION
    assert policy.stage("prod").permission == "arn:aws:ram:us-east-1:111111111111:permission/ModelCardReadOnly"
    assert policy.allow_external_principals is False


@pytest.mark.parametrize(
    ("accounts", "field", "words"),
    [
        (["*"], "stages.prod.accounts[0]", "12-digit"),
        (["33333333333"], "stages.prod.accounts[0]", "12-digit"),
        (
            ["333333333333", "arn:aws:organizations::111111111111:ou/o-abc/ou-abc-def"],
            "stages.prod.accounts[1]",
            "OU ARNs",
        ),
        (["111111111111"], "stages.prod.accounts[0]", "card account itself"),
        (["333333333333", "333333333333"], "stages.prod.accounts[1]", "twice"),
        ([], "stages.prod.accounts", "at least 1"),
    ],
)
def test_bad_principals_are_refused_naming_file_and_field(
    tmp_path: Path, accounts: list, field: str, words: str
) -> None:
    data = base(stages={"prod": {"accounts": accounts, "required_card_status": "Approved"}})
    path = write(tmp_path, data)
    with pytest.raises(BadInputError) as info:
        load_policy(path)
    assert isinstance(info.value, BadInputError)
    assert str(info.value).startswith(f"{path}: {field}: ")
    assert words in str(info.value)


def test_same_account_in_two_stages_is_fine() -> None:
    data = base(
        stages={
            "staging": {"accounts": ["222222222222"], "required_card_status": "Draft"},
            "prod": {"accounts": ["222222222222"], "required_card_status": "Approved"},
        }
    )
    assert parse_policy(data).stages["prod"].accounts == ["222222222222"]


def test_unquoted_account_id_gets_a_quoting_hint(tmp_path: Path) -> None:
    path = write(tmp_path, base(card_account=111111111111))
    with pytest.raises(BadInputError, match="card_account: .*quote"):
        load_policy(path)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (base(extra_key=1), "extra_key"),
        (base(version=2), "version"),
        (base(region="useast1"), "region"),
        (base(permission_arn="AWSRAMPermissionSageMakerModelCards"), "permission_arn"),
        (base(stages={"Prod!": {"accounts": ["333333333333"], "required_card_status": "Approved"}}), "stages"),
        (
            base(stages={"prod": {"accounts": ["333333333333"], "required_card_status": "Archived"}}),
            "stages.prod.required_card_status",
        ),
        (base(export={"s3_output_prefix": "bucket/prefix"}), "export.s3_output_prefix"),
        (base(gate={"poll_interval_seconds": 0}), "gate.poll_interval_seconds"),
    ],
)
def test_schema_errors_name_the_field(data: dict, field: str) -> None:
    with pytest.raises(BadInputError) as info:
        parse_policy(data, source="p.yaml")
    assert str(info.value).startswith(f"p.yaml: {field}")


def test_unreadable_and_non_mapping_files(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="cannot read"):
        load_policy(tmp_path / "missing.yaml")
    with pytest.raises(BadInputError, match="mapping"):
        load_policy(write(tmp_path, "- a\n- b\n"))
    with pytest.raises(BadInputError, match="invalid YAML"):
        load_policy(write(tmp_path, "stages: [\n"))


def test_unknown_stage_names_file_and_field() -> None:
    policy = load_policy(EXAMPLE)
    with pytest.raises(BadInputError) as info:
        policy.stage("qa", source="share_policies/example.yaml")
    assert str(info.value).startswith("share_policies/example.yaml: stages.qa: ")
    assert "prod, staging" in str(info.value)


def test_card_arn_must_be_in_policy_account_and_region() -> None:
    policy = load_policy(EXAMPLE)
    assert policy.card_arn(CARD) == CARD
    for bad in (
        "arn:aws:sagemaker:us-east-1:999999999999:model-card/x",
        "arn:aws:sagemaker:eu-west-1:111111111111:model-card/x",
        "arn:aws:sagemaker:us-east-1:111111111111:model/x",
        "arn:aws-cn:sagemaker:us-east-1:111111111111:model-card/x",  # the same account and region, another partition
    ):
        with pytest.raises(BadInputError, match="^--card: ") as err:
            policy.card_arn(bad)
        assert err.value.field == "--card"


def _actions(doc: dict) -> list[str]:
    return [a for s in doc["Statement"] for a in s["Action"]]


def test_iam_policy_staging_managed_permission_grants_update_scoped_to_card() -> None:
    policy = load_policy(EXAMPLE)
    doc = consumer_iam_policy(policy, CARD, policy.stage("staging"))
    assert _actions(doc) == [
        "sagemaker:DescribeModelCard",
        "sagemaker:ListModelCardVersions",
        "sagemaker:UpdateModelCard",
    ]
    assert all(r == CARD for s in doc["Statement"] for r in s["Resource"])


def test_iam_policy_prod_readonly_has_no_update_and_no_export() -> None:
    policy = load_policy(EXAMPLE)
    doc = consumer_iam_policy(policy, CARD, policy.stage("prod"))
    assert _actions(doc) == ["sagemaker:DescribeModelCard", "sagemaker:ListModelCardVersions"]


def test_iam_policy_export_only_when_configured_and_granted() -> None:
    data = base(permission_arn=AWS_MANAGED_EXPORT_PERMISSION, export={"s3_output_prefix": "s3://cards-bucket/exports/"})
    exported = parse_policy(data)
    doc = consumer_iam_policy(exported, CARD, exported.stage("prod"))
    actions = _actions(doc)
    assert "sagemaker:CreateModelCardExportJob" in actions and "s3:PutObject" in actions
    s3 = next(s for s in doc["Statement"] if s["Action"] == ["s3:PutObject"])
    assert s3["Resource"] == ["arn:aws:s3:::cards-bucket/exports/*"]
    export = next(s for s in doc["Statement"] if "sagemaker:CreateModelCardExportJob" in s["Action"])
    assert export["Resource"] == [CARD, f"{CARD}/export-job/*"]
    no_prefix = parse_policy(base(permission_arn=AWS_MANAGED_EXPORT_PERMISSION))
    without_export = consumer_iam_policy(no_prefix, CARD, no_prefix.stage("prod"))
    assert not any("Export" in a or a.startswith("s3:") for a in _actions(without_export))
    read_only = parse_policy(base(export={"s3_output_prefix": "s3://cards-bucket/exports/"}))
    not_granted = consumer_iam_policy(read_only, CARD, read_only.stage("prod"))
    assert not any("Export" in a or a.startswith("s3:") for a in _actions(not_granted))


def test_rendered_documents_have_no_wildcard_actions_and_scoped_resources() -> None:
    data = base(
        permission_arn=AWS_MANAGED_EXPORT_PERMISSION,
        export={"s3_output_prefix": "s3://cards-bucket/exports/"},
        stages={
            "staging": {"accounts": ["222222222222", "444444444444"], "required_card_status": "Draft"},
            "prod": {"accounts": ["333333333333"], "required_card_status": "Approved"},
        },
    )
    rendered = render_all(parse_policy(data), CARD)
    for stage in rendered["stages"].values():
        doc = stage["consumer_iam_policy"]
        for statement in doc["Statement"]:
            assert statement["Effect"] == "Allow"
            assert all("*" not in a for a in statement["Action"])
            for resource in statement["Resource"]:
                assert resource.startswith(CARD) or resource.startswith("arn:aws:s3:::cards-bucket/exports/")
                assert resource != "*"
        kms = stage["kms_key_policy_statement"]
        assert all("*" not in a for a in kms["Action"])
    assert rendered["stages"]["staging"]["kms_key_policy_statement"]["Principal"]["AWS"] == [
        "arn:aws:iam::222222222222:root",
        "arn:aws:iam::444444444444:root",
    ]


def test_kms_statement_is_restricted_to_sagemaker_and_s3_and_the_card() -> None:
    example = load_policy(EXAMPLE)
    statement = kms_key_policy_statement(example, example.stage("prod"), CARD)
    assert statement["Action"] == ["kms:GenerateDataKey", "kms:Decrypt"]
    assert statement["Principal"] == {"AWS": ["arn:aws:iam::333333333333:root"]}
    assert statement["Condition"] == {
        "StringEquals": {
            "kms:ViaService": ["sagemaker.us-east-1.amazonaws.com", "s3.us-east-1.amazonaws.com"],
            "kms:EncryptionContext:aws:sagemaker:model-card-arn": CARD,
        }
    }


def test_readonly_permission_template_is_read_only() -> None:
    template = readonly_permission_template()
    resource = template["Resources"]["ModelCardReadOnlyPermission"]
    assert resource["Type"] == "AWS::RAM::Permission"
    assert resource["Properties"]["ResourceType"] == "sagemaker:ModelCard"
    assert resource["Properties"]["Name"] == "ModelCardReadOnly"
    assert resource["Properties"]["PolicyTemplate"]["Action"] == [
        "sagemaker:DescribeModelCard",
        "sagemaker:ListModelCardVersions",
    ]


def test_parse_policy_text_parses_and_validates_with_the_source_in_errors() -> None:
    policy = parse_policy_text(EXAMPLE.read_text(), source="s3://cfg/policy.yaml")
    assert policy == load_policy(EXAMPLE)
    with pytest.raises(BadInputError, match=r"^s3://cfg/p.yaml: invalid YAML: .*fix the file"):
        parse_policy_text("stages: [\n", source="s3://cfg/p.yaml")
    with pytest.raises(BadInputError, match=r"^s3://cfg/p.yaml: stages.prod.accounts\[0\]: "):
        parse_policy_text(
            yaml.safe_dump(base(stages={"prod": {"accounts": ["*"], "required_card_status": "Approved"}})),
            source="s3://cfg/p.yaml",
        )


def test_share_policies_import_nothing_from_the_steps_layer() -> None:
    code = (
        "import sys, mcgov.share_policies, mcgov.share_policies.iam\n"
        "print(sorted(m for m in sys.modules if m.startswith('mcgov.steps')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "[]"


def test_the_steps_loader_reads_local_paths_and_s3(card_session) -> None:
    s3 = card_session.client("s3")
    s3.create_bucket(Bucket="cfg")
    s3.put_object(Bucket="cfg", Key="policy.yaml", Body=EXAMPLE.read_bytes())
    s3.put_object(Bucket="cfg", Key="latin1.yaml", Body="r\xe9gion: x".encode("latin-1"))
    assert load_policy("s3://cfg/policy.yaml", s3_client=s3) == load_policy(str(EXAMPLE)) == load_policy(EXAMPLE)
    with pytest.raises(BadInputError, match=r"^s3://cfg/missing.yaml: cannot read the policy object \(NoSuchKey"):
        load_policy("s3://cfg/missing.yaml", s3_client=s3)
    with pytest.raises(BadInputError, match="not UTF-8"):
        load_policy("s3://cfg/latin1.yaml", s3_client=s3)
    with pytest.raises(BadInputError, match="s3://bucket/key"):
        load_policy("s3://cfg/", s3_client=s3)


def test_a_throttled_s3_read_is_retryable_not_bad_input(aws_env) -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    with Stubber(s3) as stub:
        stub.add_client_error(
            "get_object",
            service_error_code="SlowDown",
            service_message="Please reduce your request rate",
            http_status_code=503,
        )
        with pytest.raises(
            PolicyUnavailableError, match=r"^s3://cfg/policy.yaml: cannot read the policy now .*retry"
        ) as info:
            load_policy("s3://cfg/policy.yaml", s3_client=s3)
    assert info.value.retryable and not isinstance(info.value, BadInputError)


def test_an_s3_policy_uri_is_taken_literally_never_silently_altered(card_session, aws_env, monkeypatch) -> None:
    """``urlparse`` drops a newline or tab and cuts at ``#``/``?``: ``s3://cfg/policy.yaml\\n`` would read
    ``policy.yaml``. The key is read as written, and control characters or a bad bucket are refused offline."""
    s3 = card_session.client("s3")
    s3.create_bucket(Bucket="cfg")
    s3.put_object(Bucket="cfg", Key="policy.yaml", Body=EXAMPLE.read_bytes())
    s3.put_object(Bucket="cfg", Key="policy.yaml#v2", Body=b"not: [a policy")
    with pytest.raises(BadInputError, match="invalid YAML"):
        load_policy("s3://cfg/policy.yaml#v2", s3_client=s3)
    with pytest.raises(BadInputError, match="NoSuchKey"):
        load_policy("s3://cfg/policy.yaml?versionId=1", s3_client=s3)
    for uri in (
        "s3://cfg/policy.yaml\n",
        "s3://cfg\n/policy.yaml",
        "s3://cfg/policy\t.yaml",
        "s3://CFG/policy.yaml",
        "s3://c/policy.yaml",
        "s3://cfg/" + "k" * 1025,
        "s3://cfg:443/policy.yaml",
    ):
        with pytest.raises(BadInputError, match="not a valid s3://bucket/key URI"):
            load_policy(uri, s3_client=s3)
    from mcgov.steps.cli.main import main

    monkeypatch.setattr(boto3, "Session", lambda *a, **k: (_ for _ in ()).throw(AssertionError("no AWS session")))
    assert main(["policy", "validate", "s3://cfg/policy.yaml\n"]) == 2


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("share_policies/churn-team.yaml", "churn-team"),
        ("s3://config/policies/churn-team.yaml", "churn-team"),
        ("policies/Churn_Team.v2.yml", "churn-team-v2"),
        ("policies/mcgov-prod.yaml", "prod"),
        ("policies/2024.yaml", "default"),
        ("<policy>", "default"),
    ],
)
def test_policy_id_defaults_to_the_file_name(source: str, expected: str) -> None:
    from mcgov.share_policies.loader import default_policy_id

    data = {
        "version": 1,
        "card_account": "111111111111",
        "region": "us-east-1",
        "stages": {"prod": {"accounts": ["333333333333"], "required_card_status": "PendingReview"}},
    }
    assert default_policy_id(source) == expected
    assert parse_policy(data, source=source).policy_id == expected
    assert parse_policy({**data, "policy_id": "explicit"}, source=source).policy_id == "explicit"
