"""The PDF a model-card export job writes: a valid PDF 1.4 file (xref offsets, trailer), text pdftotext extracts,
and the emulator's export jobs (lifecycle, versions, S3 write check, cross-account through RAM)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from mcgov.emulator import Emulator
from mcgov.emulator.pdf import Line, Style, build_pdf, pdf_string, wrap
from mcgov.emulator.sagemaker.export import policy_allows_put
from mcgov.steps.card.service import CardSources, build_card
from tests.conftest import REPO

INSTALL = "apt-get update && apt-get install -y poppler-utils"
EXAMPLES = REPO / "examples" / "churn"
STAGING = "222222222222"
ALLOW_EXPORT = "arn:aws:ram::aws:permission/AWSRAMPermissionSageMakerModelCardsAllowExport"


def pdftotext_path() -> str | None:
    return shutil.which("pdftotext")


@pytest.fixture(scope="module")
def pdftotext() -> str:
    executable = pdftotext_path()
    if executable is None:
        message = f"pdftotext reads the exported PDFs: install Debian's poppler-utils ({INSTALL})"
        if not os.environ.get("CI"):
            pytest.skip(message)
        pytest.fail(message + "; .ci/run installs it before make test")
    return executable


def test_pdftotext_is_installed_for_ci():
    if os.environ.get("CI"):
        assert pdftotext_path(), f"CI needs Debian's poppler-utils: {INSTALL}"


def text_of(pdftotext: str, pdf: bytes, tmp_path: Path) -> str:
    """The PDF's text with whitespace collapsed; pdftotext must read it without a syntax complaint."""
    path = tmp_path / "card.pdf"
    path.write_bytes(pdf)
    result = subprocess.run([pdftotext, str(path), "-"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return " ".join(result.stdout.split())


def pages_of(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return int(re.search(r"^Pages:\s+(\d+)$", result.stdout, re.M).group(1))


def check_structure(pdf: bytes) -> int:
    """Header, every xref entry pointing at its object, startxref pointing at the xref; returns the object count."""
    assert pdf.startswith(b"%PDF-1.4\n") and pdf.endswith(b"%%EOF\n")
    startxref = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[startxref:].startswith(b"xref\n0 ")
    header = pdf[startxref:].split(b"\n")[1]
    count = int(header.split()[1])
    table = pdf[startxref:].split(b"\n", 2)[2]
    entries = [table[i * 20 : (i + 1) * 20] for i in range(count)]
    assert entries[0] == b"0000000000 65535 f \n"
    for number, entry in enumerate(entries[1:], start=1):
        assert len(entry) == 20 and entry.endswith(b" 00000 n \n"), entry
        offset = int(entry[:10])
        assert pdf[offset:].startswith(b"%d 0 obj\n" % number), (number, offset)
    for match in re.finditer(rb"<< /Length (\d+) >>\nstream\n", pdf):
        start = match.end()
        assert pdf[start + int(match.group(1)) :].startswith(b"\nendstream"), "stream /Length is exact"
    assert re.search(rb"trailer\n<< /Size %d /Root 1 0 R" % count, pdf)
    return count


def test_writer_makes_a_valid_paginated_pdf_with_extractable_text(pdftotext, tmp_path):
    lines = [Line("churn-model", Style.TITLE), Line("Evaluation details", Style.HEADING)]
    lines += [Line(f"metric_{i:03d}: {i / 1000!r} (escaped) back\\slash") for i in range(150)]
    lines.append(Line("word " * 200))  # one paragraph wrapped over many lines
    lines.append(Line("x" * 500))  # a word longer than a line is cut, not overflowing
    pdf = build_pdf(lines, title="Model card churn-model", footer="churn-model v3")
    check_structure(pdf)
    assert pages_of(pdf, tmp_path) >= 3
    text = text_of(pdftotext, pdf, tmp_path)
    for i in range(150):
        assert f"metric_{i:03d}: {i / 1000!r} (escaped) back\\slash" in text
    assert "churn-model v3 - page 1 of" in text and text.count("word") == 200
    assert build_pdf(lines, title="Model card churn-model", footer="churn-model v3") == pdf, "deterministic"


def test_strings_are_escaped_and_lines_fit_the_page():
    assert pdf_string("a(b)c\\d\x00\ne") == b"(a\\(b\\)c\\\\de)"
    assert pdf_string("caf\u00e9 \u2713") == b"(caf\xe9 ?)"
    for part in wrap("W" * 300 + " tail", Style.BODY, 200):
        assert len(part) <= 30, "W is 944/1000 em: at 9.5 pt about 22 fit in 200 pt"


def test_bucket_policy_evaluation():
    arn = "arn:aws:s3:::exports/cards/a.pdf"
    allow = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{STAGING}:root"},
        "Action": "s3:PutObject",
        "Resource": "arn:aws:s3:::exports/cards/*",
    }
    assert policy_allows_put(json.dumps({"Statement": [allow]}), STAGING, arn)
    assert not policy_allows_put(json.dumps({"Statement": [allow]}), "333333333333", arn)
    assert not policy_allows_put(json.dumps({"Statement": [allow]}), STAGING, "arn:aws:s3:::exports/other/a.pdf")
    deny = {**allow, "Effect": "Deny", "Principal": "*"}
    assert not policy_allows_put(json.dumps({"Statement": [allow, deny]}), STAGING, arn)
    conditional = {**allow, "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1"}}}
    assert not policy_allows_put(json.dumps({"Statement": [conditional]}), STAGING, arn)
    assert policy_allows_put(
        json.dumps({"Statement": {**allow, "Action": ["s3:*"], "Principal": {"AWS": STAGING}}}), STAGING, arn
    )
    assert not policy_allows_put(b"not json", STAGING, arn) and not policy_allows_put(None, STAGING, arn)


@pytest.fixture(scope="module")
def churn_content() -> dict:
    return build_card(
        CardSources(
            training_job_path=str(EXAMPLES / "describe_training_job.json"),
            evaluations=(str(EXAMPLES / "evaluation.json"),),
            template=str(EXAMPLES / "card-template.yaml"),
        )
    )


def scalar_metrics(content: dict) -> list[tuple[str, object]]:
    out = [(m["name"], m["value"]) for m in content["training_details"]["training_job_details"]["training_metrics"]]
    for entry in content["evaluation_details"]:
        for group in entry["metric_groups"]:
            out += [(m["name"], m["value"]) for m in group["metric_data"] if m["type"] == "number"]
    return out


def run_job(sm, **kwargs) -> dict:
    """Create a job and describe it until it leaves InProgress (the emulator: the second Describe)."""
    arn = sm.create_model_card_export_job(**kwargs)["ModelCardExportJobArn"]
    first = sm.describe_model_card_export_job(ModelCardExportJobArn=arn)
    assert first["Status"] == "InProgress" and "ExportArtifacts" not in first
    return sm.describe_model_card_export_job(ModelCardExportJobArn=arn)


def read_s3(session: boto3.Session, uri: str) -> bytes:
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return session.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()


def test_export_job_writes_the_card_pdf_with_its_metrics(pdftotext, tmp_path, card_session, churn_content):
    sm = card_session.client("sagemaker")
    sm.create_model_card(ModelCardName="churn-model", Content=json.dumps(churn_content), ModelCardStatus="Draft")
    card_session.client("s3").create_bucket(Bucket="exports")
    job = run_job(
        sm,
        ModelCardName="churn-model",
        ModelCardExportJobName="churn-model-v1-a",
        OutputConfig={"S3OutputPath": "s3://exports/cards/"},
    )
    assert job["Status"] == "Completed" and job["ModelCardVersion"] == 1 and "FailureReason" not in job
    assert job["ModelCardExportJobArn"] == (
        "arn:aws:sagemaker:us-east-1:111111111111:model-card/churn-model/export-job/churn-model-v1-a"
    )
    uri = job["ExportArtifacts"]["S3ExportArtifacts"]
    assert uri == "s3://exports/cards/churn-model/churn-model-v1-a/churn-model.pdf"
    pdf = read_s3(card_session, uri)
    check_structure(pdf)
    text = text_of(pdftotext, pdf, tmp_path)
    assert text.startswith("churn-model Version 1 - status Draft")
    metrics = scalar_metrics(churn_content)
    assert len(metrics) >= 5
    for name, value in metrics:
        assert f"{name}: {json.dumps(value)}" in text, name
    assert churn_content["model_overview"]["model_owner"] in text


def test_export_of_an_older_version_renders_that_version(pdftotext, tmp_path, card_session):
    sm = card_session.client("sagemaker")
    old = {"model_overview": {"model_description": "first description"}}
    sm.create_model_card(ModelCardName="churn", Content=json.dumps(old), ModelCardStatus="Draft")
    sm.update_model_card(ModelCardName="churn", Content=json.dumps({"model_overview": {"model_description": "second"}}))
    card_session.client("s3").create_bucket(Bucket="exports")
    job = run_job(
        sm,
        ModelCardName="churn",
        ModelCardVersion=1,
        ModelCardExportJobName="churn-v1",
        OutputConfig={"S3OutputPath": "s3://exports"},
    )
    assert job["ModelCardVersion"] == 1
    assert job["ExportArtifacts"]["S3ExportArtifacts"] == "s3://exports/churn/churn-v1/churn.pdf"
    text = text_of(pdftotext, read_s3(card_session, job["ExportArtifacts"]["S3ExportArtifacts"]), tmp_path)
    assert "model description: first description" in text and "second" not in text


def test_job_fails_with_the_reason_when_the_caller_cannot_write(card_session, staging_session):
    sm = card_session.client("sagemaker")
    sm.create_model_card(ModelCardName="churn", Content=json.dumps({}), ModelCardStatus="Draft")
    missing = run_job(
        sm, ModelCardName="churn", ModelCardExportJobName="j1", OutputConfig={"S3OutputPath": "s3://no-such-bucket/x/"}
    )
    assert missing["Status"] == "Failed" and "ExportArtifacts" not in missing
    assert "the S3 bucket no-such-bucket does not exist" in missing["FailureReason"]

    staging_session.client("s3").create_bucket(Bucket="staging-bucket")
    foreign = run_job(
        sm,
        ModelCardName="churn",
        ModelCardExportJobName="j2",
        OutputConfig={"S3OutputPath": "s3://staging-bucket/cards/"},
    )
    assert foreign["Status"] == "Failed"
    assert foreign["FailureReason"] == (
        "Access denied writing the model card PDF to s3://staging-bucket/cards/churn/j2/churn.pdf: the bucket belongs "
        f"to account {STAGING} and its bucket policy does not allow s3:PutObject for account 111111111111."
    )
    assert "Contents" not in staging_session.client("s3").list_objects_v2(Bucket="staging-bucket")

    staging_session.client("s3").put_bucket_policy(
        Bucket="staging-bucket",
        Policy=json.dumps(
            {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
                        "Action": "s3:PutObject",
                        "Resource": "arn:aws:s3:::staging-bucket/cards/*",
                    }
                ]
            }
        ),
    )
    granted = run_job(
        sm,
        ModelCardName="churn",
        ModelCardExportJobName="j3",
        OutputConfig={"S3OutputPath": "s3://staging-bucket/cards/"},
    )
    assert granted["Status"] == "Completed"
    assert read_s3(staging_session, granted["ExportArtifacts"]["S3ExportArtifacts"]).startswith(b"%PDF-1.4")


def test_job_requests_are_validated(card_session):
    sm = card_session.client("sagemaker")
    sm.create_model_card(ModelCardName="churn", Content=json.dumps({}), ModelCardStatus="Draft")
    card_session.client("s3").create_bucket(Bucket="exports")
    base = {"ModelCardName": "churn", "OutputConfig": {"S3OutputPath": "s3://exports/"}}
    with pytest.raises(ClientError) as exc:
        sm.create_model_card_export_job(ModelCardExportJobName="bad_name", **base)
    assert exc.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as exc:
        sm.create_model_card_export_job(
            ModelCardExportJobName="ok", ModelCardName="churn", OutputConfig={"S3OutputPath": "ftp://exports/"}
        )
    assert exc.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as exc:
        sm.create_model_card_export_job(ModelCardExportJobName="ok", ModelCardVersion=9, **base)
    assert exc.value.response["Error"]["Code"] == "ResourceNotFound"
    sm.create_model_card_export_job(ModelCardExportJobName="ok", **base)
    with pytest.raises(ClientError) as exc:
        sm.create_model_card_export_job(ModelCardExportJobName="ok", **base)
    assert exc.value.response["Error"]["Code"] == "ConflictException"
    with pytest.raises(ClientError) as exc:
        sm.describe_model_card_export_job(
            ModelCardExportJobArn="arn:aws:sagemaker:us-east-1:111111111111:model-card/churn/export-job/nope"
        )
    assert exc.value.response["Error"]["Code"] == "ResourceNotFound"


def share_with_staging(card_session: boto3.Session, arn: str, permission: str | None) -> None:
    ram = card_session.client("ram")
    extra = {"permissionArns": [permission]} if permission else {}
    share = ram.create_resource_share(name="cards", resourceArns=[arn], principals=[STAGING], **extra)
    for kind in ("PRINCIPAL", "RESOURCE"):
        ram.get_resource_share_associations(
            associationType=kind, resourceShareArns=[share["resourceShare"]["resourceShareArn"]]
        )


def test_consumer_exports_by_arn_only_with_the_export_permission(emulator: Emulator, card_session, staging_session):
    arn = card_session.client("sagemaker").create_model_card(
        ModelCardName="churn", Content=json.dumps({}), ModelCardStatus="PendingReview"
    )["ModelCardArn"]
    staging_session.client("s3").create_bucket(Bucket="staging-exports")
    remote = staging_session.client("sagemaker")
    request = {"ModelCardName": arn, "OutputConfig": {"S3OutputPath": "s3://staging-exports/cards/"}}
    with pytest.raises(ClientError) as exc:
        remote.create_model_card_export_job(ModelCardExportJobName="not-shared", **request)
    assert exc.value.response["Error"]["Code"] == "AccessDeniedException"

    share_with_staging(card_session, arn, None)  # the default permission: read and update, no export
    with pytest.raises(ClientError) as exc:
        remote.create_model_card_export_job(ModelCardExportJobName="read-only", **request)
    assert exc.value.response["Error"]["Code"] == "AccessDeniedException"
    assert "AWSRAMPermissionSageMakerModelCardsAllowExport" in exc.value.response["Error"]["Message"]

    share_with_staging(card_session, arn, ALLOW_EXPORT)
    job = run_job(remote, ModelCardExportJobName="staging-export", **request)
    assert job["Status"] == "Completed", job.get("FailureReason")
    assert job["ModelCardExportJobArn"].startswith(f"{arn}/export-job/")
    assert read_s3(staging_session, job["ExportArtifacts"]["S3ExportArtifacts"]).startswith(b"%PDF-1.4")
    # the card account owns the job too; an account the card is not shared with cannot read it
    assert (
        card_session.client("sagemaker").describe_model_card_export_job(
            ModelCardExportJobArn=job["ModelCardExportJobArn"]
        )["Status"]
        == "Completed"
    )
    with pytest.raises(ClientError) as exc:
        emulator.session("prod").client("sagemaker").describe_model_card_export_job(
            ModelCardExportJobArn=job["ModelCardExportJobArn"]
        )
    assert exc.value.response["Error"]["Code"] == "AccessDeniedException"
    assert (STAGING, "sagemaker", "CreateModelCardExportJob") in emulator.api_calls
