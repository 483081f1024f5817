"""Pydantic models of a share policy (``version: 1``).

Principals are 12-digit AWS account ids only: organization/OU ARNs, IAM principals, service principals and
wildcards are refused, as is the card account itself (sharing with yourself is meaningless and hides typos).
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mcgov import identifiers as ids
from mcgov.identifiers import matches
from mcgov.share_policies.exceptions import UnknownStageError

AWS_MANAGED_PERMISSION = "arn:aws:ram::aws:permission/AWSRAMPermissionSageMakerModelCards"
AWS_MANAGED_EXPORT_PERMISSION = "arn:aws:ram::aws:permission/AWSRAMPermissionSageMakerModelCardsAllowExport"
CARD_STATUS_ORDER: dict[str, int] = {"Draft": 0, "PendingReview": 1, "Approved": 2}


def status_meets(card_status: str, required: str) -> bool:
    """True when ``card_status`` is at least ``required`` (Archived and unknown statuses never are)."""
    return card_status in CARD_STATUS_ORDER and CARD_STATUS_ORDER[card_status] >= CARD_STATUS_ORDER[required]



def _check_permission_arn(value: str) -> str:
    if not matches(ids.PERMISSION_ARN, value):
        raise ValueError(
            f"{value!r} is not a RAM permission ARN; use arn:aws:ram::aws:permission/<AWS-managed name> or "
            "arn:aws:ram:<region>:<account>:permission/<name> for a customer-managed permission"
        )
    return value


class _Strict(BaseModel):
    """Strict values: booleans are YAML booleans, numbers are numbers (never ``"900"``), no NaN or infinity."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, strict=True, allow_inf_nan=False)


class Stage(_Strict):
    """Accounts one stage shares with, the card status it requires and (optionally) its own permission."""

    accounts: list[str] = Field(min_length=1)
    required_card_status: Literal["Draft", "PendingReview", "Approved"]
    permission_arn: str | None = None

    @field_validator("accounts")
    @classmethod
    def _accounts(cls, accounts: list[str]) -> list[str]:
        for index, account in enumerate(accounts):
            if not ids.is_account(account):
                raise ValueError(
                    f"[{index}] {account!r} is not a 12-digit AWS account id (write it quoted; wildcards, "
                    "organization/OU ARNs and IAM principals are not supported)"
                )
        seen: set[str] = set()
        for index, account in enumerate(accounts):
            if account in seen:
                raise ValueError(f"[{index}] account {account} is listed twice in this stage; remove the duplicate")
            seen.add(account)
        return accounts

    @field_validator("permission_arn")
    @classmethod
    def _permission(cls, value: str | None) -> str | None:
        return None if value is None else _check_permission_arn(value)


class GateSettings(_Strict):
    """Polling and time limits of the association gate."""

    poll_interval_seconds: float = Field(default=5, ge=1, le=3600)
    backoff_cap_seconds: float = Field(default=60, ge=1, le=3600)
    timeout_seconds: float = Field(default=900, ge=0, le=86400)
    # RAM invitations for resource types outside RAM's short list (model cards included) expire after 12 hours:
    # https://docs.aws.amazon.com/ram/latest/userguide/working-with-shared-invitations.html
    invitation_window_seconds: float = Field(default=43200, gt=0, le=604800)

    @model_validator(mode="after")
    def _cap_not_below_interval(self) -> "GateSettings":
        if self.backoff_cap_seconds < self.poll_interval_seconds:
            raise ValueError("gate.backoff_cap_seconds: must be at least gate.poll_interval_seconds")
        return self


class ExportSettings(_Strict):
    """Consumers may run model-card export jobs writing under this S3 prefix."""

    s3_output_prefix: str

    @field_validator("s3_output_prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if not matches(ids.S3_PREFIX, value, 1024):
            raise ValueError(f"{value!r} must look like s3://bucket/prefix/ (ending with '/', no wildcards)")
        return value


class SharePolicy(_Strict):
    """A whole share policy file."""

    version: Literal[1]
    card_account: str
    region: str
    allow_external_principals: bool = False
    permission_arn: str = AWS_MANAGED_PERMISSION
    stages: dict[str, Stage] = Field(min_length=1)
    gate: GateSettings = GateSettings()
    export: ExportSettings | None = None

    @field_validator("card_account")
    @classmethod
    def _card_account(cls, value: str) -> str:
        if not ids.is_account(value):
            raise ValueError(f"{value!r} is not a 12-digit AWS account id (write it quoted)")
        return value

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        if not matches(ids.REGION, value):
            raise ValueError(f"{value!r} is not an AWS region name such as us-east-1")
        return value

    @field_validator("permission_arn")
    @classmethod
    def _permission(cls, value: str) -> str:
        return _check_permission_arn(value)

    @field_validator("stages")
    @classmethod
    def _stage_names(cls, stages: dict[str, Stage]) -> dict[str, Stage]:
        for name in stages:
            if not matches(ids.STAGE_NAME, name):
                raise ValueError(f"stage name {name!r} must be 1-32 lowercase letters, digits and hyphens, starting with a letter")
        return stages

    @model_validator(mode="after")
    def _permissions_in_scope(self) -> "SharePolicy":
        """A customer-managed permission must live in the card account, partition and region."""
        arns = [("permission_arn", self.permission_arn)] + [
            (f"stages.{name}.permission_arn", stage.permission_arn) for name, stage in self.stages.items()
            if stage.permission_arn]
        for field, arn in arns:
            match = ids.PERMISSION_ARN.fullmatch(arn)
            assert match is not None  # checked by the field validators
            if match["partition"] != ids.partition_of(self.region):
                raise ValueError(f"{field}: {arn} is not in partition {ids.partition_of(self.region)} of {self.region}")
            if match["account"] != "aws" and (match["region"] != self.region or match["account"] != self.card_account):
                raise ValueError(f"{field}: a customer-managed permission must be in the card account "
                                 f"{self.card_account} and region {self.region}; create it there (got {arn})")
            if match["account"] == "aws" and match["region"]:
                raise ValueError(f"{field}: an AWS-managed permission ARN has no region; use arn:aws:ram::aws:permission/<name>")
        return self

    @model_validator(mode="after")
    def _not_self(self) -> "SharePolicy":
        for name, stage in self.stages.items():
            for index, account in enumerate(stage.accounts):
                if account == self.card_account:
                    raise ValueError(
                        f"stages.{name}.accounts[{index}]: {account} is the card account itself; "
                        "the owner already has access, remove it"
                    )
        return self

    def stage(self, name: str, *, source: str | None = None) -> Stage:
        """Return stage ``name`` or raise ``UnknownStageError`` naming the defined stages."""
        try:
            return self.stages[name]
        except KeyError:
            raise UnknownStageError(
                f"stage {name!r} is not defined; use one of {', '.join(sorted(self.stages))} or add it to the policy",
                source=source,
                field=f"stages.{name}",
            ) from None

    def stage_permission(self, name: str) -> str:
        """The RAM permission ARN used for stage ``name`` (the stage's own, else the policy default)."""
        return self.stage(name).permission_arn or self.permission_arn

    def card_arn(self, card_name: str) -> str:
        """The ARN of card ``card_name`` in the policy's card account and region."""
        return f"arn:aws:sagemaker:{self.region}:{self.card_account}:model-card/{card_name}"
