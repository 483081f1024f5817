"""Pydantic models of a share policy (``version: 1``) in either topology.

Principals are 12-digit AWS account ids only: organization/OU ARNs, IAM principals, service principals and
wildcards are refused, as is the card account itself (sharing with yourself is meaningless and hides typos).

``topology: centralized`` (the default, key optional) is ``SharePolicy``. ``topology: hub-and-spoke`` is
``HubSpokePolicy``, a subclass: its card account is the hub (where the copies live), so everything written for
``SharePolicy`` (stages, permissions, gate settings) applies to the hub copies unchanged; ``policy_model``
picks the class from the data.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mcgov import identifiers as ids
from mcgov.errors import BadInputError, key_label
from mcgov.identifiers import matches
from mcgov.share_policies.approvers import APPROVERS_MAX, ApproverPattern, parse_approver

AWS_MANAGED_PERMISSION = "arn:aws:ram::aws:permission/AWSRAMPermissionSageMakerModelCards"
AWS_MANAGED_EXPORT_PERMISSION = "arn:aws:ram::aws:permission/AWSRAMPermissionSageMakerModelCardsAllowExport"
CARD_STATUS_ORDER: dict[str, int] = {"Draft": 0, "PendingReview": 1, "Approved": 2}
RiskRating = Literal["High", "Medium", "Low", "Unknown"]  # the card's intended_uses.risk_rating values
POLICY_ID = re.compile(r"[a-z][a-z0-9-]{0,62}", re.ASCII)
DEFAULT_POLICY_ID = "default"
_YAML11_BOOLEANS = frozenset({"y", "yes", "n", "no", "on", "off", "true", "false"})  # text in YAML 1.2


def status_meets(card_status: str, required: str) -> bool:
    """True when ``card_status`` is at least ``required`` (Archived and unknown statuses never are)."""
    return card_status in CARD_STATUS_ORDER and CARD_STATUS_ORDER[card_status] >= CARD_STATUS_ORDER[required]


def _check_permission_arn(value: str) -> str:
    if not matches(ids.PERMISSION_ARN, value):
        raise ValueError(
            "not a RAM permission ARN; use arn:aws:ram::aws:permission/<AWS-managed name> or "
            "arn:aws:ram:<region>:<account>:permission/<name> for a customer-managed permission"
        )
    return value


class _Strict(BaseModel):
    """Strict values: booleans are YAML booleans, numbers are numbers (never ``"900"``), no NaN or infinity."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, strict=True, allow_inf_nan=False)


class AssessmentRequirement(_Strict):
    """``require_assessment``: the card must score at least ``min_score`` against ``framework`` (``mcgov card
    assess``; docs/assessment.md). That the framework is a packaged one is checked where the frameworks are known,
    by the steps' policy loader (``mcgov.steps.assess.policy``)."""

    framework: Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=63)]
    min_score: float = Field(ge=0, le=1)


class Stage(_Strict):
    """Accounts one stage shares with, the card status it requires and (optionally) its own permission.

    ``hub_copy_current``: the gate also requires the hub's copy of the card (policy ``hub``) to hold the card's
    latest version, i.e. the organisation's hub lists what is being promoted.

    ``model_package_group``: the model package group whose packages the stage promotes, shared through RAM
    (``sagemaker:ModelPackageGroup``) beside the card; the gate requires its associations too, and accepts a
    package only from this group. ``true`` names the group called like the card (the card ``churn-model``, the
    group ``churn-model``); a string names the group (a SageMaker ``EntityName``); ``false`` (default): none, and
    the stage accepts no package.

    ``require_assessment``: the card must score at least ``min_score`` against a framework (``mcgov card assess``).
    """

    accounts: list[str] = Field(min_length=1)
    required_card_status: Literal["Draft", "PendingReview", "Approved"]
    permission_arn: str | None = None
    hub_copy_current: bool = False
    model_package_group: bool | str = False
    require_assessment: AssessmentRequirement | None = None

    @field_validator("model_package_group", mode="before")
    @classmethod
    def _group_type(cls, value: Any) -> Any:
        if not isinstance(value, bool | str):  # not pydantic's two union errors, named model_package_group.bool
            raise ValueError("write true, false or the name of the model package group")
        return value

    @field_validator("model_package_group")
    @classmethod
    def _group(cls, value: bool | str) -> bool | str:
        if isinstance(value, str) and value.lower() in _YAML11_BOOLEANS:
            raise ValueError(
                "write true or false (YAML 1.2: yes/no/on/off are text), or the name of the model package group"
            )
        if isinstance(value, str) and not ids.is_card_name(value):
            raise ValueError(
                "not a model package group name (1-63 letters, digits and hyphens, starting and ending with a "
                "letter or digit); write true for the group named like the card"
            )
        return value

    @field_validator("accounts")
    @classmethod
    def _accounts(cls, accounts: list[str]) -> list[str]:
        for index, account in enumerate(accounts):
            if not ids.is_account(account):
                raise ValueError(
                    f"[{index}] not a 12-digit AWS account id (write it quoted; wildcards, "
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


MODEL_CARD_INVITATION_TTL_SECONDS = 43200
"""RAM expires an unanswered invitation to a model-card share after 12 hours."""


class GateSettings(_Strict):
    """Polling and time limits of the association gate."""

    poll_interval_seconds: float = Field(default=5, ge=1, le=3600)
    backoff_cap_seconds: float = Field(default=60, ge=1, le=3600)
    timeout_seconds: float = Field(default=900, ge=0, le=86400)
    # RAM invitations for resource types outside RAM's short list (model cards included) expire after 12 hours:
    # https://docs.aws.amazon.com/ram/latest/userguide/working-with-shared-invitations.html. A longer window would
    # keep a gate PENDING on an invitation RAM has already expired.
    invitation_window_seconds: float = Field(
        default=MODEL_CARD_INVITATION_TTL_SECONDS, gt=0, le=MODEL_CARD_INVITATION_TTL_SECONDS
    )

    @model_validator(mode="after")
    def _cap_not_below_interval(self) -> GateSettings:
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
            raise ValueError("must look like s3://bucket/prefix/ (ending with '/', no wildcards)")
        return value


class Notifications(_Strict):
    """``notifications``: where the gate, ``mcgov card approve`` and the approval guard put their decisions as
    EventBridge events (source ``mcgov``; docs/notifications.md). ``event_bus_arn`` is an event bus of the card
    account and the policy's region (that it is in them is checked with the policy)."""

    event_bus_arn: str

    @field_validator("event_bus_arn")
    @classmethod
    def _bus(cls, value: str) -> str:
        if not matches(ids.EVENT_BUS_ARN, value):
            raise ValueError(
                "not an EventBridge event bus ARN (arn:aws:events:<region>:<account>:event-bus/<name>, the name 1-256 "
                "letters, digits, '.', '-' and '_'); for the default bus write event-bus/default"
            )
        return value


def _check_account(value: Any) -> str:
    if not ids.is_account(value):
        raise ValueError("not a 12-digit AWS account id (write it quoted)")
    return str(value)


class HubLocation(_Strict):
    """Where a centralized policy's cards are copied to by a hub (``hub: {account, region}``)."""

    account: str
    region: str

    @field_validator("account")
    @classmethod
    def _account(cls, value: str) -> str:
        return _check_account(value)


class SharePolicy(_Strict):
    """A whole share policy file (centralized topology: the card account shares its own cards).

    ``policy_id`` names the policy on every RAM share it makes (the ``mcgov:policy-id`` tag): a share belongs to
    one (policy id, stage), and only that policy reuses or changes it. It stays the same when accounts are
    added or removed; the loader fills it from the file name when the policy does not set it
    (``mcgov.share_policies.loader.default_policy_id``).

    ``required_fields_by_risk_rating``: card content paths that must be present in a card of that
    ``intended_uses.risk_rating``; that each is a real content path is checked by the steps' policy loader
    (``mcgov.steps.assess.policy``), which knows the content model.
    """

    version: Literal[1]
    topology: Literal["centralized"] = "centralized"
    policy_id: str = DEFAULT_POLICY_ID
    card_account: str
    region: str
    allow_external_principals: bool = False
    permission_arn: str = AWS_MANAGED_PERMISSION
    stages: dict[str, Stage] = Field(min_length=1)
    gate: GateSettings = GateSettings()
    export: ExportSettings | None = None
    hub: HubLocation | None = None
    required_fields_by_risk_rating: (
        dict[RiskRating, list[Annotated[str, Field(min_length=1, max_length=300)]]] | None
    ) = None
    approvers: list[str] = Field(default_factory=list, max_length=APPROVERS_MAX)
    approval_signing_key_arn: str | None = None
    notifications: Notifications | None = None

    @field_validator("approvers")
    @classmethod
    def _approvers(cls, approvers: list[str]) -> list[str]:
        for index, text in enumerate(approvers):
            try:
                parse_approver(text)
            except ValueError as exc:
                raise ValueError(f"[{index}] {exc}") from None
            if text in approvers[:index]:
                raise ValueError(f"[{index}] this approver is listed twice; remove the duplicate")
        return approvers

    @field_validator("approval_signing_key_arn")
    @classmethod
    def _signing_key(cls, value: str | None) -> str | None:
        if value is not None and not matches(ids.KMS_KEY_ARN, value):
            raise ValueError(
                "not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>; an alias is not accepted: key "
                "policies and IAM authorize kms:Sign and kms:Verify by key ARN)"
            )
        return value

    @field_validator("required_fields_by_risk_rating", mode="before")
    @classmethod
    def _risk_ratings(cls, value: Any) -> Any:
        if isinstance(value, dict) and any(key not in typing.get_args(RiskRating) for key in value):
            raise ValueError(
                "a key is not a card risk rating (intended_uses.risk_rating); use High, Medium, Low or Unknown"
            )
        return value

    @field_validator("policy_id")
    @classmethod
    def _policy_id(cls, value: str) -> str:
        if not POLICY_ID.fullmatch(value):
            raise ValueError(
                "must be 1-63 lowercase letters, digits and hyphens, starting with a letter (it names the "
                "policy on every share it makes: keep it when the file moves, unique per card account and region)"
            )
        return value

    @field_validator("card_account")
    @classmethod
    def _card_account(cls, value: str) -> str:
        if not ids.is_account(value):
            raise ValueError("not a 12-digit AWS account id (write it quoted)")
        return value

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        if not matches(ids.REGION, value):
            raise ValueError("not an AWS region name such as us-east-1")
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
                raise ValueError(
                    f"stage name {key_label(name)} must be 1-32 lowercase letters, digits and hyphens, "
                    "starting with a letter"
                )
        return stages

    @model_validator(mode="after")
    def _permissions_in_scope(self) -> SharePolicy:
        """A customer-managed permission must live in the card account, partition and region."""
        arns = [("permission_arn", self.permission_arn)] + [
            (f"stages.{name}.permission_arn", stage.permission_arn)
            for name, stage in self.stages.items()
            if stage.permission_arn
        ]
        for field, arn in arns:
            match = ids.PERMISSION_ARN.fullmatch(arn)
            assert match is not None  # checked by the field validators
            if match["partition"] != ids.partition_of(self.region):
                raise ValueError(f"{field}: {arn} is not in partition {ids.partition_of(self.region)} of {self.region}")
            if match["account"] != "aws" and (match["region"] != self.region or match["account"] != self.card_account):
                raise ValueError(
                    f"{field}: a customer-managed permission must be in the card account "
                    f"{self.card_account} and region {self.region}; create it there (got {arn})"
                )
            if match["account"] != "aws" and len(match["name"]) > ids.PERMISSION_NAME_MAX:
                raise ValueError(
                    f"{field}: RAM permission names are at most {ids.PERMISSION_NAME_MAX} characters "
                    f"(got {len(match['name'])} in {arn})"
                )
            if match["account"] == "aws" and match["region"]:
                raise ValueError(
                    f"{field}: an AWS-managed permission ARN has no region; use arn:aws:ram::aws:permission/<name>"
                )
        return self

    @model_validator(mode="after")
    def _hub_in_scope(self) -> SharePolicy:
        """``hub_copy_current`` needs ``hub``; the hub is another account of the same region (RAM is regional)."""
        for name, stage in self.stages.items():
            if stage.hub_copy_current and self.hub is None and not isinstance(self, HubSpokePolicy):
                raise ValueError(
                    f"stages.{name}.hub_copy_current: needs the policy-level hub: {{account, region}} "
                    "naming the hub that holds the copies; add it or remove hub_copy_current"
                )
            if stage.hub_copy_current and isinstance(self, HubSpokePolicy):
                raise ValueError(
                    f"stages.{name}.hub_copy_current: a hub-and-spoke policy's stages share the hub's "
                    "copies; set hub_copy_current in the spoke's own (centralized) policy"
                )
        if self.hub is not None:
            if self.hub.account == self.card_account:
                raise ValueError("hub.account: the hub is the card account itself; name the hub account, or drop hub")
            if self.hub.region != self.region:
                raise ValueError(
                    f"hub.region: {self.hub.region} differs from the policy region {self.region}; RAM "
                    "shares are regional, so the hub syncs this account's cards in the same region"
                )
        return self

    @model_validator(mode="after")
    def _not_self(self) -> SharePolicy:
        for name, stage in self.stages.items():
            for index, account in enumerate(stage.accounts):
                if account == self.card_account:
                    raise ValueError(
                        f"stages.{name}.accounts[{index}]: {account} is the card account itself; "
                        "the owner already has access, remove it"
                    )
        return self

    @model_validator(mode="after")
    def _approvers_in_scope(self) -> SharePolicy:
        """Approvers are principals of the card account (the only account that can write an approval record); a
        stage requiring Approved needs at least one; a signing key lives in the card account and region."""
        partition = ids.partition_of(self.region)
        for index, pattern in enumerate(self.approver_patterns):
            if pattern.partition != partition or pattern.account != self.card_account:
                raise ValueError(
                    f"approvers[{index}]: an approver must be a principal of the card account {self.card_account} "
                    f"in partition {partition}: only the card account can record an approval (consumer accounts "
                    "cannot tag a shared card)"
                )
        for name, stage in self.stages.items():
            if stage.required_card_status == "Approved" and not self.approvers:
                raise ValueError(
                    f"approvers: stage {name} requires an Approved card, so the policy must name who may approve: "
                    "add approvers: [arn:aws:iam::<card account>:role/<reviewer role>, ...]"
                )
        key = self.approval_signing_key_arn
        if key is not None:
            match = ids.KMS_KEY_ARN.fullmatch(key)
            assert match is not None  # checked by the field validator
            if (match["partition"], match["region"], match["account"]) != (partition, self.region, self.card_account):
                raise ValueError(
                    f"approval_signing_key_arn: the key must be in the card account {self.card_account} and region "
                    f"{self.region} (the approver signs there and the gate verifies there)"
                )
            if not self.approvers:
                raise ValueError("approval_signing_key_arn: signed approvals need approvers; add approvers:")
        return self

    @model_validator(mode="after")
    def _notifications_in_scope(self) -> SharePolicy:
        """The event bus is in the card account and the policy's region (the gate and the approvers put events
        there with card-account credentials; a bus of another account would need its resource policy)."""
        if self.notifications is None:
            return self
        match = ids.EVENT_BUS_ARN.fullmatch(self.notifications.event_bus_arn)
        assert match is not None  # checked by the field validator
        partition = ids.partition_of(self.region)
        if (match["partition"], match["region"], match["account"]) != (partition, self.region, self.card_account):
            raise ValueError(
                f"notifications.event_bus_arn: the event bus must be in the card account {self.card_account} and "
                f"region {self.region} (partition {partition}); create the bus there, or use its default bus"
            )
        return self

    @property
    def approver_patterns(self) -> tuple[ApproverPattern, ...]:
        """The ``approvers`` entries, parsed (they were checked when the policy was read)."""
        return tuple(parse_approver(text) for text in self.approvers)

    def stage(self, name: str, *, source: str | None = None) -> PolicyStage:
        """Stage ``name`` resolved (``PolicyStage``), or ``BadInputError`` naming ``stages.<name>`` and the defined
        stages (``source``: where the name came from). Resolve once, at the edge, and pass the result on."""
        stage = self.stages.get(name) if isinstance(name, str) else None
        if stage is None:
            raise BadInputError(
                f"no such stage; use one of {', '.join(sorted(self.stages))} or add it to the policy",
                source=source,
                field=f"stages.{name}" if ids.matches(ids.STAGE_NAME, name) else "stage",
            )
        return PolicyStage(
            name=name,
            accounts=tuple(stage.accounts),
            required_card_status=stage.required_card_status,
            permission=stage.permission_arn or self.permission_arn,
            hub_copy_current=stage.hub_copy_current,
            model_package_group=stage.model_package_group is not False,
            require_assessment=stage.require_assessment,
            package_group=stage.model_package_group if isinstance(stage.model_package_group, str) else None,
        )

    def stages_named(self, names: Iterable[str] | None = None, *, source: str | None = None) -> tuple[PolicyStage, ...]:
        """The stages ``names`` (default: every stage of the policy, in policy order), each resolved by ``stage``."""
        return tuple(self.stage(name, source=source) for name in (self.stages if names is None else names))

    def card_arn(self, name_or_arn: str, *, source: str | None = None, field: str = "--card") -> str:
        """The ARN of a card named by name (in the policy's card account and region) or by ARN (which must be in
        them), checked whole; ``BadInputError`` naming ``field`` (a flag, or an event field with ``source``)."""
        if not isinstance(name_or_arn, str) or not name_or_arn.startswith("arn:"):
            if not ids.is_card_name(name_or_arn):
                raise BadInputError(
                    "not a model card name (1-63 letters, digits and hyphens, starting and "
                    "ending with a letter or digit) nor a model-card ARN",
                    source=source,
                    field=field,
                )
            partition = ids.partition_of(self.region)
            return f"arn:{partition}:sagemaker:{self.region}:{self.card_account}:model-card/{name_or_arn}"
        match = ids.parse_card_arn(name_or_arn)
        if not match:
            raise BadInputError(
                "not a model-card ARN (arn:aws:sagemaker:<region>:<account>:model-card/<name>)",
                source=source,
                field=field,
            )
        partition = ids.partition_of(self.region)
        if (match["partition"], match["account"], match["region"]) != (partition, self.card_account, self.region):
            raise BadInputError(
                f"the card is not in the policy's card account {self.card_account} / region "
                f"{self.region} (partition {partition}); use the matching policy or fix card_account/region",
                source=source,
                field=field,
            )
        return name_or_arn


@dataclass(frozen=True)
class PolicyStage:
    """One stage of a policy, resolved once (``SharePolicy.stage``): its name, accounts and required card status,
    and ``permission``, the RAM permission ARN its share carries (its own ``permission_arn``, else the policy's).
    ``model_package_group`` is true when the stage promotes packages of one group (``package_group_name``)."""

    name: str
    accounts: tuple[str, ...]
    required_card_status: str
    permission: str
    hub_copy_current: bool = False
    model_package_group: bool = False
    require_assessment: AssessmentRequirement | None = None
    package_group: str | None = None

    def package_group_name(self, card_arn: str) -> str | None:
        """The model package group this stage promotes packages from: the policy's name for it, or (with
        ``model_package_group: true``) the card's own name; None when the stage names no group."""
        if not self.model_package_group:
            return None
        return self.package_group or card_arn.rsplit("/", 1)[-1]


class SpokeSelect(_Strict):
    """Which of a spoke's cards it publishes to the hub: a status and/or a name prefix (default: every card)."""

    status: Literal["Draft", "PendingReview", "Approved"] | None = None
    name_prefix: str | None = Field(default=None, alias="name-prefix")

    @field_validator("name_prefix")
    @classmethod
    def _prefix(cls, value: str | None) -> str | None:
        if value is not None and not matches(ids.CARD_NAME_PREFIX, value):
            raise ValueError(
                "not the beginning of a card name (letters, digits and hyphens, "
                "starting with a letter or digit, at most 63)"
            )
        return value


class Spoke(_Strict):
    """One spoke account and the cards it publishes to the hub."""

    account: str
    select: SpokeSelect = SpokeSelect()

    @field_validator("account")
    @classmethod
    def _account(cls, value: str) -> str:
        return _check_account(value)


class HubSpokePolicy(SharePolicy):
    """``topology: hub-and-spoke``: spokes own their cards, the hub (``hub_account``) keeps read-only copies.

    ``card_account`` is the hub (it is filled from ``hub_account`` and may not be given), so ``stages`` (optional)
    share the hub copies onward exactly as a centralized policy shares its cards. ``share_back_to_spokes`` lets
    each spoke read its own hub copies (what a spoke gate with ``hub_copy_current`` reads).
    """

    topology: Literal["hub-and-spoke"]  # type: ignore[assignment]
    hub_account: str
    spokes: list[Spoke] = Field(min_length=1)
    stages: dict[str, Stage] = Field(default_factory=dict)
    share_back_to_spokes: bool = False

    @model_validator(mode="before")
    @classmethod
    def _card_account_is_hub(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        if "card_account" in data:
            raise ValueError(
                "card_account: a hub-and-spoke policy names hub_account (the account holding the "
                "copies) instead; remove card_account"
            )
        if "hub_account" not in data:
            raise ValueError("hub_account: required key is missing; add the hub's 12-digit account id")
        if not ids.is_account(data["hub_account"]):
            raise ValueError("hub_account: not a 12-digit AWS account id (write it quoted)")
        return {**data, "card_account": data["hub_account"]}

    @field_validator("spokes")
    @classmethod
    def _distinct(cls, spokes: list[Spoke]) -> list[Spoke]:
        seen: set[str] = set()
        for index, spoke in enumerate(spokes):
            if spoke.account in seen:
                raise ValueError(f"[{index}] spoke {spoke.account} is listed twice; remove the duplicate")
            seen.add(spoke.account)
        return spokes

    @model_validator(mode="after")
    def _hub_not_spoke(self) -> HubSpokePolicy:
        for index, spoke in enumerate(self.spokes):
            if spoke.account == self.hub_account:
                raise ValueError(
                    f"spokes[{index}].account: {spoke.account} is the hub account itself; a spoke is "
                    "another account, remove it"
                )
        return self

    def spoke(self, account: str, *, source: str | None = None) -> Spoke:
        """The spoke ``account`` or ``BadInputError`` naming the policy's spokes."""
        for spoke in self.spokes:
            if spoke.account == account:
                return spoke
        raise BadInputError(
            f"account {account} is not a spoke of this policy (spokes: {', '.join(s.account for s in self.spokes)}); "
            "add it to spokes or use a spoke's credentials",
            source=source,
            field="spokes",
        )


def policy_model(data: Any) -> type[SharePolicy]:
    """The policy class for parsed policy ``data``: ``HubSpokePolicy`` for ``topology: hub-and-spoke``."""
    topology = data.get("topology") if isinstance(data, dict) else None
    return HubSpokePolicy if topology == "hub-and-spoke" else SharePolicy
