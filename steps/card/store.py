"""Thin adapter over the SageMaker model-card API (an injected boto3 ``sagemaker`` client).

The API refuses a status and a content change in one ``UpdateModelCard`` call and refuses content updates to
Archived cards; ``publish`` therefore compares with the latest version, updates content and status in two
separate calls, and writes nothing when nothing changed (so a re-run creates no new version).

``publish`` is the one rule for ``mcgov card publish`` and the populate step: it never approves (approval is
``mcgov card approve``), changed content sends an Approved card back to PendingReview, and an Archived card
never leaves Archived through it. After a content write whose result it read back, it records the version in the
card's ``mcgov:written-versions`` tag (``mcgov.steps.card.written``): the evidence ``mcgov card approve`` has that
the card account, not a consumer, wrote that content.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import Enum
from typing import Any, Final

from botocore import xform_name
from botocore.exceptions import BotoCoreError, ClientError

from mcgov.errors import BadInputError
from mcgov.steps.card.exceptions import CardAlreadyExistsError, CardError, CardNotFoundError
from mcgov.steps.card.identifiers import (
    card_name_from,
    validate_card_status,
)
from mcgov.steps.card.written import WRITTEN_TAG, format_written, parse_written
from mcgov.steps.common.aws import AwsErrorKind, aws_failure
from mcgov.steps.common.jsonutil import content_sha256


class _Unread(Enum):
    """The default of ``publish(current=...)``: the card was not read yet."""

    TOKEN = 0


_UNREAD: Final = _Unread.TOKEN


PUBLISH_STATUSES = ("Draft", "PendingReview", "Archived")


@dataclass(frozen=True)
class PublishResult:
    """What a publish wrote. ``version`` is None when another writer changed the card right after this run's
    write, so the version this run wrote cannot be told (``note`` says so); it is never another writer's."""

    arn: str
    name: str
    version: int | None
    status: str
    content_sha256: str
    result: str  # created | updated | unchanged
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "note" or v is not None}


class CardStore:
    """Model cards in one account and region."""

    def __init__(self, sagemaker_client: Any) -> None:
        self._sm = sagemaker_client

    def describe(self, name_or_arn: str, version: int | None = None) -> dict[str, Any]:
        """DescribeModelCard by name or ARN (another account's card by ARN when shared with this one)."""
        kwargs: dict[str, Any] = {"ModelCardName": name_or_arn}
        if version is not None:
            kwargs["ModelCardVersion"] = int(version)
        return self._call("DescribeModelCard", name_or_arn + (f" version {version}" if version else ""), **kwargs)

    def find(self, name_or_arn: str) -> dict[str, Any] | None:
        try:
            return self.describe(name_or_arn)
        except CardNotFoundError:
            return None

    def create(
        self,
        name: str,
        content_text: str,
        status: str = "Draft",
        tags: dict[str, str] | None = None,
        kms_key_id: str | None = None,
    ) -> str:
        kwargs: dict[str, Any] = {
            "ModelCardName": name,
            "Content": content_text,
            "ModelCardStatus": validate_card_status(status),
        }
        if kms_key_id:
            kwargs["SecurityConfig"] = {"KmsKeyId": kms_key_id}
        if tags:
            kwargs["Tags"] = [{"Key": k, "Value": v} for k, v in sorted(tags.items())]
        arn: str = self._call("CreateModelCard", name, **kwargs)["ModelCardArn"]
        return arn

    def update_content(self, name_or_arn: str, content_text: str, *, current_status: str | None = None) -> None:
        status = current_status or self.describe(name_or_arn)["ModelCardStatus"]
        if status == "Archived":
            raise CardError(
                f"model card {name_or_arn!r} is Archived; SageMaker refuses content updates to archived cards. "
                "Publish under a new card name, or leave the content unchanged."
            )
        self._call("UpdateModelCard", name_or_arn, ModelCardName=name_or_arn, Content=content_text)

    def update_status(self, name_or_arn: str, status: str) -> None:
        self._call(
            "UpdateModelCard", name_or_arn, ModelCardName=name_or_arn, ModelCardStatus=validate_card_status(status)
        )

    def list_versions(self, name: str) -> list[dict[str, Any]]:
        versions: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"ModelCardName": card_name_from(name), "SortBy": "Version", "SortOrder": "Ascending"}
        while True:
            page = self._call("ListModelCardVersions", name, **kwargs)
            versions.extend(page.get("ModelCardVersionSummaryList", []))
            if not page.get("NextToken"):
                return versions
            kwargs["NextToken"] = page["NextToken"]

    def delete(self, name: str) -> None:
        self._call("DeleteModelCard", name, ModelCardName=card_name_from(name))

    def tags(self, card_arn: str) -> dict[str, str]:
        """ListTags of the card, every page (the card account only: consumers may not list a shared card's tags)."""
        tags: dict[str, str] = {}
        kwargs: dict[str, Any] = {"ResourceArn": card_arn}
        while True:
            page = self._call("ListTags", card_arn, **kwargs)
            tags.update({t["Key"]: t.get("Value", "") for t in page.get("Tags", [])})
            if not page.get("NextToken"):
                return tags
            kwargs["NextToken"] = page["NextToken"]

    def written_versions(self, card_arn: str) -> frozenset[int]:
        """The versions the card account recorded writing (``mcgov:written-versions``)."""
        return parse_written(self.tags(card_arn).get(WRITTEN_TAG))

    def record_written(self, card_arn: str, version: int) -> None:
        """Add ``version`` to the card's ``mcgov:written-versions`` tag (ListTags, then AddTags)."""
        value = format_written(self.written_versions(card_arn) | {version})
        self._call("AddTags", card_arn, ResourceArn=card_arn, Tags=[{"Key": WRITTEN_TAG, "Value": value}])

    def publish(
        self,
        name: str,
        content_text: str,
        *,
        status: str | None = None,
        tags: dict[str, str] | None = None,
        current: dict[str, Any] | None | _Unread = _UNREAD,
        kms_key_id: str | None = None,
    ) -> PublishResult:
        """Create the card or bring it to ``content_text`` and ``status``; unchanged inputs write nothing.

        ``current`` is the card as just described (``None``: it does not exist), to save a describe call.
        ``kms_key_id`` encrypts a new card (SageMaker fixes a card's key at creation; an existing card keeps
        its key, and a different one is refused rather than silently ignored). ``name`` is checked by the card
        service (``mcgov.steps.card.service``), the one place card names are validated.
        """
        if status is not None and validate_card_status(status) not in PUBLISH_STATUSES:
            raise BadInputError(
                f"publishing never sets {status}: review the card, then run `mcgov card approve {name} --policy ...` "
                "(it records the approved version)",
                field="--status",
            )
        current = self.find(name) if current is _UNREAD else current
        if current is not None and kms_key_id:
            existing_key = (current.get("SecurityConfig") or {}).get("KmsKeyId")
            if existing_key != kms_key_id:
                raise BadInputError(
                    f"model card {name!r} is encrypted with {existing_key or 'the AWS owned key'}, not {kms_key_id}; "
                    "a card's KMS key is fixed at creation: publish under a new card name to change it"
                )
        if current is None:
            try:
                self.create(name, content_text, status or "Draft", tags, kms_key_id)
                return self._recorded(self._result(name, "created", content_text))
            except CardAlreadyExistsError:
                current = self.describe(name)  # a concurrent run, or a retried create whose response was lost
        content_changed = _parsed(current.get("Content")) != json.loads(content_text)
        target = _target_status(name, current["ModelCardStatus"], status, content_changed)
        if content_changed:
            self.update_content(name, content_text, current_status=current["ModelCardStatus"])
        if target != current["ModelCardStatus"]:
            self.update_status(name, target)
        if not content_changed and target == current["ModelCardStatus"]:
            return self._result(name, "unchanged", content_text, current)
        result = self._result(name, "updated", content_text)
        return self._recorded(result) if content_changed else result

    def _recorded(self, result: PublishResult) -> PublishResult:
        """Record the version of a content write this run read back as its own (nothing when another writer
        overtook it: its version is unknown, and the content then counts as an unidentified write)."""
        if result.version is not None:
            self.record_written(result.arn, result.version)
        return result

    def _result(
        self, name: str, result: str, content_text: str, described: dict[str, Any] | None = None
    ) -> PublishResult:
        """The result, read back; a card already changed by another writer reports no version, never theirs."""
        card = described or self.describe(name)
        ours = content_sha256(content_text)
        theirs = content_sha256(card.get("Content") or "{}")
        version: int | None = int(card["ModelCardVersion"])
        note = None
        if theirs != ours:
            version = None
            note = (
                "another writer changed the card right after this write; the version this run wrote cannot be "
                "told: describe the card's versions to find it"
            )
        return PublishResult(
            arn=card["ModelCardArn"],
            name=card.get("ModelCardName", name),
            version=version,
            status=card["ModelCardStatus"],
            content_sha256=ours,
            result=result,
            note=note,
        )

    def _call(self, operation: str, name: str, **kwargs: Any) -> dict[str, Any]:
        method = getattr(self._sm, xform_name(operation))
        try:
            response: dict[str, Any] = method(**kwargs)
            return response
        except (BotoCoreError, ClientError) as exc:
            failure = aws_failure(exc, "sagemaker", operation)
            assert failure is not None
        text = failure.text
        if failure.kind is AwsErrorKind.NOT_FOUND:
            raise CardNotFoundError(
                f"model card {name!r} not found in this account and region ({text})", failure=failure
            )
        if "archived" in text.lower():
            raise CardError(f"model card {name!r} is Archived: {text}", failure=failure)
        if operation == "CreateModelCard" and (
            failure.kind is AwsErrorKind.CONFLICT or "already exists" in text.lower()
        ):
            raise CardAlreadyExistsError(f"model card {name!r} already exists: {text}", failure=failure)
        raise CardError(f"{operation} {name!r} failed: {text}", failure=failure)


def describe_card(
    sagemaker: Any, name_or_arn: str, *, source: str | None = None, field: str = "--card"
) -> dict[str, Any]:
    """DescribeModelCard of a card the caller named (to share or gate it): a card that does not exist is bad input
    naming ``field`` (a flag, or an event field with ``source``); any other failure is the store's ``CardError``."""
    try:
        return CardStore(sagemaker).describe(name_or_arn)
    except CardNotFoundError as exc:
        raise BadInputError(f"{exc}; create it first or fix the name", source=source, field=field) from None


def _target_status(name: str, current: str, requested: str | None, content_changed: bool) -> str:
    """The status a publish leaves: as requested, else as it was, except that changed content sends an Approved
    card back to PendingReview. Submitting unchanged, Approved content for review keeps it Approved (a pipeline
    re-run converges), and an Archived card never leaves Archived through a publish."""
    if current == "Archived" and (content_changed or requested not in (None, "Archived")):
        raise CardError(
            f"model card {name!r} is Archived: a publish never brings an archived card back "
            "(SageMaker refuses its content updates); publish under a new card name"
        )
    if requested == "PendingReview" and current == "Approved" and not content_changed:
        return current
    if requested is not None:
        return requested
    if current == "Approved" and content_changed:
        return "PendingReview"
    return current


def _parsed(text: Any) -> Any:
    try:
        return json.loads(text) if isinstance(text, str) else None
    except (ValueError, RecursionError):  # not JSON, too deep, an over-long integer
        return None
