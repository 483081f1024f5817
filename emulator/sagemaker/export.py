"""Model-card export jobs: CreateModelCardExportJob / DescribeModelCardExportJob writing a real PDF to S3.

Shapes are botocore's (``CreateModelCardExportJobRequest``, ``DescribeModelCardExportJobResponse``: statuses
InProgress | Completed | Failed, ``ExportArtifacts.S3ExportArtifacts``, ``FailureReason``). What the emulator
decides where AWS documents nothing (docs/emulator.md lists these):

* The job belongs to the card: its ARN is ``<card ARN>/export-job/<job name>`` (the ARN pattern of the API
  reference), in the card owner's account, so a consumer exporting a shared card by ARN describes the job by
  that ARN, and both calls need the share's permission to allow the action
  (``AWSRAMPermissionSageMakerModelCardsAllowExport``).
* A job is InProgress when created and for ``IN_PROGRESS_POLLS`` DescribeModelCardExportJob calls; the next
  Describe runs it: it renders the card version chosen at creation and writes
  ``<S3OutputPath>/<card name>/<job name>/<card name>.pdf`` (Completed), or fails with a FailureReason.
* SageMaker writes with the caller's permissions, so the write is the creating account's: allowed when that
  account owns the bucket, or when the bucket policy has an Allow statement for s3:PutObject naming the account
  (``"*"``, the account id, its root or any principal ARN of the account) on the object, and no Deny statement
  matching it. A statement with a Condition is not evaluated: such an Allow is ignored and such a Deny applies.
  When the caller is a session of a role of the emulator's IAM, that role's policies must also allow
  ``s3:PutObject`` on the object (SageMaker writes with the caller's credentials: a forward access session).
  A bucket that does not exist fails the job too.
"""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from moto.core.utils import utcnow
from moto.sagemaker.exceptions import ValidationError

from mcgov.emulator.pdf import Line, Style, build_pdf
from mcgov.emulator.sagemaker.validation import is_entity_name

IN_PROGRESS_POLLS = 1
S3_OUTPUT = re.compile(r"s3://(?P<bucket>[^/]+)/?(?P<prefix>.*)", re.ASCII | re.DOTALL)
SECTIONS = (
    ("model_overview", "Model overview"),
    ("intended_uses", "Intended uses"),
    ("business_details", "Business details"),
    ("training_details", "Training details"),
    ("evaluation_details", "Evaluation details"),
    ("additional_information", "Additional information"),
    ("model_package_details", "Model package"),
)
_MAX_VALUE = 400  # characters of a matrix or curve shown in the PDF
_UNLABELLED = frozenset({"metric_groups", "metric_data"})  # their items' names are the headings


@dataclass
class ExportJob:
    """One export job and the card version it exports (fixed at creation)."""

    name: str
    arn: str
    card_name: str
    card_arn: str
    card_version: int
    card_status: str
    content: str
    output_path: str
    caller: str
    caller_role: str | None = None
    created_at: datetime = field(default_factory=utcnow)
    last_modified_at: datetime = field(default_factory=utcnow)
    status: str = "InProgress"
    failure_reason: str | None = None
    artifact: str | None = None
    polls: int = 0

    def describe(self) -> dict[str, Any]:
        """DescribeModelCardExportJobResponse."""
        out: dict[str, Any] = {
            "ModelCardExportJobName": self.name,
            "ModelCardExportJobArn": self.arn,
            "Status": self.status,
            "ModelCardName": self.card_name,
            "ModelCardVersion": self.card_version,
            "OutputConfig": {"S3OutputPath": self.output_path},
            "CreatedAt": self.created_at,
            "LastModifiedAt": self.last_modified_at,
        }
        if self.failure_reason:
            out["FailureReason"] = self.failure_reason
        if self.artifact:
            out["ExportArtifacts"] = {"S3ExportArtifacts": self.artifact}
        return out

    def summary(self) -> dict[str, Any]:
        """ModelCardExportJobSummary (ListModelCardExportJobs)."""
        return {
            "ModelCardExportJobName": self.name,
            "ModelCardExportJobArn": self.arn,
            "Status": self.status,
            "ModelCardName": self.card_name,
            "ModelCardVersion": self.card_version,
            "CreatedAt": self.created_at,
            "LastModifiedAt": self.last_modified_at,
        }


def validate_job_request(job_name: Any, output_path: Any) -> tuple[str, str]:
    """(bucket, prefix) of a valid request; ValidationException naming the parameter otherwise."""
    if not is_entity_name(job_name):
        raise ValidationError(
            f"1 validation error detected: Value '{job_name}' at 'modelCardExportJobName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$"
        )
    match = S3_OUTPUT.fullmatch(output_path) if isinstance(output_path, str) and len(output_path) <= 1024 else None
    if not match:
        raise ValidationError(
            f"1 validation error detected: Value '{output_path}' at 'outputConfig.s3OutputPath' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: (https|s3)://([^/]+)/?(.*) "
            "(the emulator accepts s3:// URIs)"
        )
    return match.group("bucket"), match.group("prefix").strip("/")


def artifact_key(prefix: str, card_name: str, job_name: str) -> str:
    """The object key of a job's PDF under the output prefix."""
    return "/".join(p for p in (prefix, card_name, job_name, f"{card_name}.pdf") if p)


def run(job: ExportJob) -> None:
    """Render the job's card version and write the PDF; Completed with the artifact, or Failed with the reason."""
    from moto.s3.models import s3_backends

    bucket, prefix = validate_job_request(job.name, job.output_path)
    key = artifact_key(prefix, job.card_name, job.name)
    reason = write_denied(job.caller, bucket, key) or role_denied(job, bucket, key)
    job.last_modified_at = utcnow()
    if reason:
        job.status, job.failure_reason = "Failed", reason
        return
    partition, owner = s3_backends.bucket_accounts[bucket]
    s3_backends[owner][partition].put_object(bucket, key, card_pdf(job))
    job.status, job.artifact = "Completed", f"s3://{bucket}/{key}"


def write_denied(caller: str, bucket: str, key: str) -> str | None:
    """Why ``caller`` may not write ``key`` to ``bucket`` (None when it may)."""
    from moto.s3.models import s3_backends

    where = s3_backends.bucket_accounts.get(bucket)
    if where is None:
        return f"Unable to write the model card PDF to s3://{bucket}/{key}: the S3 bucket {bucket} does not exist."
    partition, owner = where
    if owner == caller:
        return None
    policy = s3_backends[owner][partition].get_bucket(bucket).policy
    if policy_allows_put(policy, caller, f"arn:{partition}:s3:::{bucket}/{key}"):
        return None
    return (
        f"Access denied writing the model card PDF to s3://{bucket}/{key}: the bucket belongs to account {owner} "
        f"and its bucket policy does not allow s3:PutObject for account {caller}."
    )


def role_denied(job: ExportJob, bucket: str, key: str) -> str | None:
    """Why the caller's role may not write the PDF (None when it may, or the caller is no checked role)."""
    from mcgov.emulator.iam.enforce import role_caller, service_check

    caller = role_caller(job.caller_role, "sagemaker") if job.caller_role else None
    if caller is None:
        return None
    region = job.card_arn.split(":")[3]
    denied = service_check(
        caller, "s3:PutObject", f"arn:aws:s3:::{bucket}/{key}", region, by="sagemaker", forwarded=True
    )
    return f"Access denied writing the model card PDF to s3://{bucket}/{key}: {denied}" if denied else None


def policy_allows_put(policy: bytes | str | None, account: str, object_arn: str) -> bool:
    """True when a bucket policy allows, and does not deny, s3:PutObject on ``object_arn`` to ``account``."""
    if not policy:
        return False
    try:
        document = json.loads(policy)
    except ValueError:
        return False
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    statements = [statements] if isinstance(statements, dict) else statements
    allowed = False
    for statement in statements:
        if not isinstance(statement, dict) or not _applies(statement, account, object_arn):
            continue
        if statement.get("Effect") == "Deny":
            return False
        if statement.get("Effect") == "Allow" and "Condition" not in statement:
            allowed = True
    return allowed


def _applies(statement: dict[str, Any], account: str, object_arn: str) -> bool:
    actions = _as_list(statement.get("Action"))
    resources = _as_list(statement.get("Resource"))
    principal = statement.get("Principal")
    principals = ["*"] if principal == "*" else _as_list(principal.get("AWS")) if isinstance(principal, dict) else []
    return (
        any(fnmatch.fnmatchcase("s3:putobject", str(a).lower()) for a in actions)
        and any(fnmatch.fnmatchcase(object_arn, str(r)) for r in resources)
        and any(p == "*" or p == account or str(p).split(":")[4:5] == [account] for p in principals)
    )


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def card_pdf(job: ExportJob) -> bytes:
    """The PDF of the job's card version: title, then each section's fields, metrics as ``name: value``."""
    try:
        content = json.loads(job.content or "{}")
    except ValueError:
        content = {}
    lines = [
        Line(job.card_name, Style.TITLE),
        Line(f"Version {job.card_version} - status {job.card_status}", Style.SMALL),
        Line(job.card_arn, Style.SMALL),
    ]
    known = {key for key, _ in SECTIONS}
    sections = [*SECTIONS, *((k, k.replace("_", " ").capitalize()) for k in content if k not in known)]
    for key, title in sections:
        if content.get(key) not in (None, {}, []):
            lines.append(Line(title, Style.HEADING))
            lines.extend(_lines(content[key], depth=0))
    return build_pdf(lines, title=f"Model card {job.card_name}", footer=f"{job.card_name} v{job.card_version}")


def _lines(value: Any, depth: int) -> list[Line]:
    """Lines of one value: fields as ``label: value``; named items (metrics, hyperparameters) as ``name: value``;
    named groups (evaluations, metric groups) as subheadings."""
    out: list[Line] = []
    if isinstance(value, dict):
        for key, item in value.items():
            label = str(key).replace("_", " ")
            if _scalar(item) or _scalar_list(item):
                out.append(Line(f"{label}: {_text(item)}"))
            elif key in _UNLABELLED:
                out.extend(_lines(item, depth + 1))
            elif item not in ({}, []):
                out.append(Line(label.capitalize(), Style.SUBHEADING))
                out.extend(_lines(item, depth + 1))
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and "name" in item and "value" in item:
                extra = f" ({item['type']})" if item.get("type") not in (None, "number", "string", "boolean") else ""
                out.append(Line(f"{item['name']}{extra}: {_text(item['value'])}"))
                if item.get("notes"):
                    out.append(Line(f"note: {item['notes']}", Style.SMALL))
            elif isinstance(item, dict) and "name" in item:
                out.append(Line(str(item["name"]), Style.SUBHEADING))
                out.extend(_lines({k: v for k, v in item.items() if k != "name"}, depth + 1))
            else:
                out.extend(_lines(item, depth + 1) if not _scalar(item) else [Line(_text(item))])
    elif value not in (None, ""):
        out.append(Line(_text(value)))
    return out


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _scalar_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(_scalar(v) for v in value)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) or value is None:
        return json.dumps(value)
    if _scalar_list(value):
        return ", ".join(_text(v) for v in value)
    text = json.dumps(value, separators=(",", ":"))
    return text if len(text) <= _MAX_VALUE else text[:_MAX_VALUE] + " ..."
