"""Demo scene 7: the card as reviewers see it: HTML and Markdown (and a screenshot), the diff after a changed
pipeline run, and the PDF that SageMaker exports for the staging account.

Staging may export because the demo's policy (``export_policy``: the example policy with the staging stage on the
AWS-managed ``AWSRAMPermissionSageMakerModelCardsAllowExport`` permission and an export prefix) shares the card
with that permission.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from mcgov.demo.scene import title
from mcgov.steps.approval.store import ApprovalStore
from mcgov.steps.review.diff import diff_cards
from mcgov.steps.review.diff_render import render_diff_text
from mcgov.steps.review.export import CardExporter, export_job_name
from mcgov.steps.review.html import render_html
from mcgov.steps.review.layout import build_view
from mcgov.steps.review.markdown import render_markdown
from mcgov.steps.review.view import CardInfo

EXPORT_PERMISSION = "arn:aws:ram::aws:permission/AWSRAMPermissionSageMakerModelCardsAllowExport"
CHANGED_METRICS = {"auc": 0.9634, "accuracy": 0.9401}  # what the second pipeline run measured


def export_bucket(staging_account: str) -> str:
    """The staging account's bucket for exported PDFs."""
    return f"mcgov-demo-exports-{staging_account}"


def export_policy(policy: Path, out: Path, bucket: str) -> Path:
    """``policy`` with the staging stage allowed to export PDFs to ``bucket``, written to ``out/policy.yaml``."""
    data = yaml.safe_load(policy.read_text())
    data["stages"]["staging"]["permission_arn"] = EXPORT_PERMISSION
    data["export"] = {"s3_output_prefix": f"s3://{bucket}/cards/"}
    path = out / "policy.yaml"
    path.write_text(
        f"# {policy.name} with staging allowed to export PDFs (demo/review.py)\n"
        + yaml.safe_dump(data, sort_keys=False)
    )
    return path


def review_scene(emu: Any, workflow: Any, card_event: dict[str, Any], out: Path) -> None:
    """Scene 7: a changed run, its diff, the renders and a screenshot, then the PDF exported from staging."""
    title("7. Review: a changed run, the diff, HTML/Markdown renders, the PDF exported from staging")
    card_session = emu.session("card")
    sm = card_session.client("sagemaker")
    first = sm.describe_model_card(ModelCardName=card_event["card_name"], ModelCardVersion=1)

    changed = workflow.execute(
        {
            "card": {
                **card_event,
                "evaluation_uris": [_changed_report(card_session, card_event)],
                "pipeline_execution_arn": card_event["pipeline_execution_arn"][:-1] + "2",
            },
            "stage": "staging",
        }
    )
    latest = sm.describe_model_card(ModelCardName=card_event["card_name"])
    print(
        f"   changed run: execution {changed['status']}, card v{latest['ModelCardVersion']} "
        f"[{latest['ModelCardStatus']}]"
    )
    name, version = latest["ModelCardName"], latest["ModelCardVersion"]
    diff = diff_cards(
        json.loads(first["Content"]),
        json.loads(latest["Content"]),
        old_label=f"{name} v1",
        new_label=f"{name} v{version}",
    )
    print("".join(f"   | {line}\n" for line in render_diff_text(diff).splitlines() if line))

    content = json.loads(latest["Content"])
    info = CardInfo(
        name=name,
        arn=latest["ModelCardArn"],
        version=version,
        status=latest["ModelCardStatus"],
        last_modified=latest["LastModifiedTime"].isoformat(),
        approval=ApprovalStore(sm).read(latest["ModelCardArn"]),  # what `mcgov card render` reads from the tags
    )
    now = datetime.now(UTC)
    page, markdown = out / f"{name}.html", out / f"{name}.md"
    page.write_text(render_html(content, info=info, diff=diff, generated_at=now))
    markdown.write_text(render_markdown(content, info=info, diff=diff, generated_at=now))
    print(f"   `mcgov card render` -> {page}, {markdown}; {_screenshot(page, out / f'{name}.png')}")
    print(f"   approval block: {build_view(content, info).approval.summary}")

    staging = emu.session("staging")
    bucket = export_bucket(emu.account_id("staging"))
    staging.client("s3").create_bucket(Bucket=bucket)
    exporter = CardExporter(staging.client("sagemaker"))
    job_name = export_job_name(name, version, salt=datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%f"))
    job_arn = exporter.start(latest["ModelCardArn"], f"s3://{bucket}/cards/", version=version, job_name=job_name)
    job = exporter.wait(job_arn, 60, progress=lambda j, _: print(f"   staging export job {j.name}: {j.status.value}"))
    pdf = out / f"{name}.pdf"
    key = str(job.pdf_uri).removeprefix(f"s3://{bucket}/")
    pdf.write_bytes(staging.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read())
    print(
        f"   PDF {job.pdf_uri} -> {pdf} ({pdf.stat().st_size} bytes); from the staging account the same is "
        f"`mcgov card export {latest['ModelCardArn']} --s3-output s3://{bucket}/cards/`"
    )


def _changed_report(session: Any, card_event: dict[str, Any]) -> str:
    """The second run's evaluation report: the first one with ``CHANGED_METRICS``, under a new prefix."""
    s3 = session.client("s3")
    bucket, _, key = card_event["evaluation_uris"][0].removeprefix("s3://").partition("/")
    report = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    for metric, value in CHANGED_METRICS.items():
        report["binary_classification_metrics"][metric]["value"] = value
    new_key = key.replace("/evaluation/", "/run-2/evaluation/")
    s3.put_object(Bucket=bucket, Key=new_key, Body=json.dumps(report).encode())
    return f"s3://{bucket}/{new_key}"


def _screenshot(page: Path, image: Path) -> str:
    """A PNG of the page taken by headless Chromium, or why there is none."""
    chromium = shutil.which("chromium")
    if chromium is None:
        return "no screenshot: chromium is not installed (apt-get install -y chromium)"
    try:
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--screenshot={image.resolve()}",
                "--window-size=1000,3400",
                page.resolve().as_uri(),
            ],
            capture_output=True,
            timeout=120,
            check=True,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"no screenshot: chromium failed ({type(exc).__name__})"
    return f"screenshot {image}" if image.exists() else "no screenshot: chromium wrote no file"
