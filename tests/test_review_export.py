"""``mcgov card export``: job names, input checks, waiting, and the command against the emulator (consumer by ARN)."""

from __future__ import annotations

import json

import pytest

from mcgov import identifiers as ids
from mcgov.errors import BadInputError
from mcgov.steps.cli.main import main
from mcgov.steps.review import export as export_module
from mcgov.steps.review.exceptions import ReviewError
from mcgov.steps.review.export import CardExporter, ExportStatus, check_s3_output, check_wait, export_job_name

STAGING = "222222222222"
ALLOW_EXPORT = "arn:aws:ram::aws:permission/AWSRAMPermissionSageMakerModelCardsAllowExport"
CONTENT = {
    "model_overview": {"model_description": "churn"},
    "evaluation_details": [
        {
            "name": "evaluation.json",
            "metric_groups": [{"name": "binary", "metric_data": [{"name": "auc", "type": "number", "value": 0.9512}]}],
        }
    ],
}


@pytest.mark.parametrize("card, version", [("churn", 3), ("a" * 63, 12345), ("a-" * 31 + "b", 7), ("x", None)])
def test_job_names_match_the_service_pattern_within_63_characters(card, version):
    name = export_job_name(card, version, salt="20260101T000000.000000")
    assert ids.matches(ids.CARD_NAME, name, 63)
    assert name.endswith(f"-v{version}-" + name[-8:]) if version else "-latest-" in name
    assert name == export_job_name(card, version, salt="20260101T000000.000000")
    assert name != export_job_name(card, version, salt="20260101T000000.000001")
    assert name.startswith(card[:20].rstrip("-"))


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "3601", "1e9", "abc", "", "0x10"])
def test_wait_must_be_finite_non_negative_and_capped(value):
    with pytest.raises(BadInputError, match="^--wait: "):
        check_wait(value)


def test_wait_and_output_values_accepted():
    assert check_wait("0") == 0 and check_wait("2.5") == 2.5 and check_wait("3600") == 3600
    assert check_s3_output("s3://bucket") == "s3://bucket"
    assert check_s3_output("s3://my.bucket-1/a/b/") == "s3://my.bucket-1/a/b/"


@pytest.mark.parametrize(
    "value",
    [
        "bucket/x",
        "s3://",
        "s3://B/x",
        "s3://ab",
        "s3://a..b/x",
        "s3://bucket/a\nb",
        "https://bucket/x",
        "s3://bucket/" + "k" * 1100,
    ],
)
def test_bad_s3_output_refused(value):
    with pytest.raises(BadInputError, match="^--s3-output: "):
        check_s3_output(value)


class FakeSageMaker:
    """DescribeModelCardExportJob answers from a script of statuses."""

    def __init__(self, statuses: list[str]) -> None:
        self.statuses = statuses
        self.calls = 0

    def describe_model_card_export_job(self, ModelCardExportJobArn: str) -> dict:
        status = self.statuses[min(self.calls, len(self.statuses) - 1)]
        self.calls += 1
        out = {
            "ModelCardExportJobArn": ModelCardExportJobArn,
            "ModelCardExportJobName": "j",
            "Status": status,
            "ModelCardName": "churn",
            "ModelCardVersion": 1,
            "OutputConfig": {"S3OutputPath": "s3://b/"},
        }
        if status == "Completed":
            out["ExportArtifacts"] = {"S3ExportArtifacts": "s3://b/churn/j/churn.pdf"}
        if status == "Failed":
            out["FailureReason"] = "bucket gone"
        return out


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_wait_polls_with_backoff_until_completed():
    clock, seen = Clock(), []
    job = CardExporter(FakeSageMaker(["InProgress"] * 5 + ["Completed"])).wait(
        "arn", 60, progress=lambda j, t: seen.append((j.status, t)), sleep=clock.sleep, clock=clock
    )
    assert job.pdf_uri == "s3://b/churn/j/churn.pdf" and job.status is ExportStatus.COMPLETED
    assert clock.sleeps == [0.5, 1.0, 2.0, 4.0, 4.0]
    assert [s for s, _ in seen] == [ExportStatus.IN_PROGRESS] * 5 + [ExportStatus.COMPLETED]


def test_wait_stops_at_the_timeout_and_reports_failures():
    clock = Clock()
    with pytest.raises(ReviewError, match="still InProgress after 3 s") as exc:
        CardExporter(FakeSageMaker(["InProgress"])).wait("arn", 3, sleep=clock.sleep, clock=clock)
    assert clock.now == 3 and str(exc.value).endswith("--model-card-export-job-arn arn`")
    with pytest.raises(ReviewError, match=r"export job j failed: bucket gone \(job arn\)$"):
        CardExporter(FakeSageMaker(["InProgress", "Failed"])).wait("arn", 60, sleep=Clock().sleep, clock=Clock())


@pytest.fixture
def fast_polls(monkeypatch):
    monkeypatch.setattr(export_module, "FIRST_POLL_SECONDS", 0.01)


@pytest.fixture
def shared_card(emulator, card_session, staging_session):
    """A card in the card account, shared with staging under the export permission; staging owns a bucket."""
    arn = card_session.client("sagemaker").create_model_card(
        ModelCardName="churn-model", Content=json.dumps(CONTENT), ModelCardStatus="PendingReview"
    )["ModelCardArn"]
    ram = card_session.client("ram")
    share = ram.create_resource_share(
        name="cards", resourceArns=[arn], principals=[STAGING], permissionArns=[ALLOW_EXPORT]
    )["resourceShare"]["resourceShareArn"]
    for kind in ("PRINCIPAL", "RESOURCE"):
        ram.get_resource_share_associations(associationType=kind, resourceShareArns=[share])
    staging_session.client("s3").create_bucket(Bucket="staging-exports")
    emulator.act_as("staging")
    return arn


def test_cli_exports_a_shared_card_from_the_consumer_account(shared_card, staging_session, fast_polls, capsys):
    assert main(["card", "export", shared_card, "--s3-output", "s3://staging-exports/cards/"]) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["status"] == "Completed" and out["card_version"] == 1
    assert out["pdf"] == f"s3://staging-exports/cards/churn-model/{out['job_name']}/churn-model.pdf"
    assert (
        out["job_name"].startswith("churn-model-v1-")
        and out["job_arn"] == f"{shared_card}/export-job/{out['job_name']}"
    )
    assert f"export job {out['job_name']}: InProgress" in captured.err
    assert f"export job {out['job_name']}: Completed" in captured.err
    key = out["pdf"].removeprefix("s3://staging-exports/")
    body = staging_session.client("s3").get_object(Bucket="staging-exports", Key=key)["Body"].read()
    assert body.startswith(b"%PDF-1.4") and b"(auc: 0.9512)" in body


def test_cli_wait_zero_starts_the_job_and_prints_it(shared_card, capsys):
    assert main(["card", "export", shared_card, "--s3-output", "s3://staging-exports/", "--wait", "0"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "InProgress" and out["pdf"] is None and out["job_arn"].startswith(shared_card)


def test_cli_reports_a_failed_job_with_its_reason(shared_card, fast_polls, capsys):
    assert main(["card", "export", shared_card, "--s3-output", "s3://someone-elses-bucket/x/"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert lines[-1].startswith("mcgov: failed: export job churn-model-v1-")
    assert "the S3 bucket someone-elses-bucket does not exist" in lines[-1]


def test_cli_without_the_share_is_access_denied(emulator, card_session, fast_polls, capsys):
    arn = card_session.client("sagemaker").create_model_card(
        ModelCardName="churn-model", Content=json.dumps(CONTENT), ModelCardStatus="Draft"
    )["ModelCardArn"]
    emulator.act_as("staging")
    assert main(["card", "export", arn, "--s3-output", "s3://staging-exports/"]) == 3  # a permission error
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("mcgov: failed: DescribeModelCard ")
    assert "AccessDeniedException" in err


@pytest.mark.parametrize(
    "argv, field",
    [
        (["--wait", "nan"], "--wait"),
        (["--wait", "-1"], "--wait"),
        (["--wait", "99999"], "--wait"),
        (["--version", "0"], "--version"),
        (["--s3-output", "s3://x"], "--s3-output"),
    ],
)
def test_cli_bad_input_exits_2_with_one_line_and_calls_nothing(shared_card, emulator, capsys, argv, field):
    args = ["card", "export", shared_card, "--s3-output", "s3://staging-exports/", *argv]
    before = len(emulator.api_calls)
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert captured.err.startswith(f"mcgov: error: {field}: ")
    assert len(emulator.api_calls) == before, "bad input makes no AWS call"


def test_cli_bad_card_reference_exits_2(emulator, capsys):
    assert main(["card", "export", "not a card!", "--s3-output", "s3://staging-exports/"]) == 2
    assert capsys.readouterr().err.startswith("mcgov: error: NAME_OR_ARN: ")
