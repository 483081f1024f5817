"""The card inside a model package: standalone card content converted to the model package model card schema.

SageMaker's ``ModelPackageModelCard`` (botocore ``sagemaker/2017-07-24``; CreateModelPackage, UpdateModelPackage,
DescribeModelPackage) holds ``ModelCardContent`` (at most 100,000 characters) and ``ModelCardStatus``. Its schema
("Model package model card schema", https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-details.html)
is the card schema without ``model_package_details``, with ``model_overview`` limited to ``model_creator`` and
``model_artifact``. ``to_package_card`` drops everything else and lists it under
``additional_information.custom_details["mcgov.embedded.dropped"]`` (never silently); the converted content is
checked against ``PackageCardContent`` before anything is written.

One content: the embedded card records the standalone card's ARN and content sha256 (``mcgov.card.arn``,
``mcgov.card.content_sha256``), the same sha256 the gate and ``mcgov card approve`` use for the standalone card.
Status rules are the standalone card's: the pipeline never sets Approved (an Approved standalone card embeds as
PendingReview until ``mcgov card approve``), changed content of an Approved embedded card goes back to
PendingReview, an Archived embedded card refuses content changes, and unchanged content writes nothing.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from pydantic import ValidationError

from mcgov.errors import BadInputError, describe_validation_error
from mcgov.steps.approval.tags import ApprovalRecord
from mcgov.steps.card import limits as L
from mcgov.steps.card.content import (
    AdditionalInformation,
    BusinessDetails,
    EvaluationJob,
    IntendedUses,
    Text1024,
    TrainingDetails,
    UriList,
    _Model,
)
from mcgov.steps.card.naming import truncate_text
from mcgov.steps.card.store import CardStore
from mcgov.steps.common.jsonutil import content_sha256
from mcgov.steps.registry.exceptions import RegistryError
from mcgov.steps.registry.models import EmbeddedCard
from mcgov.steps.registry.provenance import (
    PROVENANCE_CARD_ARN,
    PROVENANCE_SHA256,
    package_arn_from_card,
    parsed_json,
    provenance,
)
from mcgov.steps.registry.store import ModelPackageStore

DROPPED_NOTE = "mcgov.embedded.dropped"
OVERVIEW_FIELDS = ("model_creator", "model_artifact")
_UNION_TAGS = frozenset({"number", "string", "boolean", "linear_graph", "bar_chart", "matrix"})


class PackageModelOverview(_Model):
    """``model_overview`` of a package card: only the creator and the artifact locations."""

    model_creator: Text1024 | None = None
    model_artifact: UriList | None = None


class PackageCardContent(_Model):
    """The model package model card schema: the card sections without ``model_package_details``."""

    model_overview: PackageModelOverview | None = None
    intended_uses: IntendedUses | None = None
    business_details: BusinessDetails | None = None
    training_details: TrainingDetails | None = None
    evaluation_details: list[EvaluationJob] | None = None
    additional_information: AdditionalInformation | None = None


@dataclass(frozen=True)
class Conversion:
    """Package-card content converted from a standalone card, and the paths that did not fit."""

    content: dict[str, Any]
    dropped: tuple[str, ...]

    @property
    def text(self) -> str:
        return json.dumps(self.content, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def to_package_card(content: Mapping[str, Any], *, card_arn: str, card_sha256: str) -> Conversion:
    """Convert standalone ``content`` to the package-card schema (pure); ``BadInputError`` if it cannot fit."""
    out = copy.deepcopy(dict(content))
    dropped: list[str] = []
    if out.pop("model_package_details", None) is not None:
        dropped.append("model_package_details")
    overview = out.pop("model_overview", None)
    if isinstance(overview, Mapping):
        kept = {k: v for k, v in overview.items() if k in OVERVIEW_FIELDS}
        dropped.extend(f"model_overview.{k}" for k in overview if k not in OVERVIEW_FIELDS)
        if kept:
            out["model_overview"] = kept
    additional = out.setdefault("additional_information", {})
    custom = additional.setdefault("custom_details", {}) if isinstance(additional, dict) else None
    if not isinstance(custom, dict):
        raise BadInputError(
            "additional_information.custom_details must be an object",
            source=card_arn,
            field="additional_information.custom_details",
        )
    custom[PROVENANCE_CARD_ARN] = truncate_text(card_arn, L.CUSTOM_DETAIL_MAX)
    custom[PROVENANCE_SHA256] = card_sha256
    if dropped:
        custom[DROPPED_NOTE] = truncate_text(
            "not in the model package model card schema: " + ", ".join(dropped), L.CUSTOM_DETAIL_MAX
        )
    additional["custom_details"] = dict(sorted(custom.items()))
    normalized = validate_package_card(out, source=card_arn)
    conversion = Conversion(normalized, tuple(dropped))
    if len(conversion.text) > L.CONTENT_MAX_CHARS:
        raise BadInputError(
            f"the package card is {len(conversion.text):,} characters, over the "
            f"{L.CONTENT_MAX_CHARS:,} of ModelCardContent",
            source=card_arn,
        )
    return conversion


def validate_package_card(data: Any, *, source: str = "<package card>") -> dict[str, Any]:
    """``data`` checked against ``PackageCardContent`` and normalized; ``BadInputError`` names the field."""
    try:
        model = PackageCardContent.model_validate(data)
    except ValidationError as exc:
        field, message = describe_validation_error(exc.errors(include_url=False), union_tags=_UNION_TAGS)
        raise BadInputError(f"package card: {message}", source=source, field=field or "<content>") from None
    return model.model_dump(mode="python", exclude_none=True)


def embedded_status(current: EmbeddedCard | None, card_status: str, changed: bool) -> str:
    """The status to write: the standalone card's, never Approved by the pipeline; an unchanged Approved
    embedded card stays Approved."""
    if current is not None and current.status == "Approved" and not changed:
        return "Approved"
    return card_status if card_status in ("Draft", "PendingReview") else "PendingReview"


@dataclass(frozen=True)
class EmbedResult:
    """What ``embed_card`` found and did."""

    model_package_arn: str
    card_arn: str
    content_sha256: str
    embedded_sha256: str
    status: str
    result: str  # created | updated | unchanged
    dropped: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "dropped": list(self.dropped),
            "note": (
                f"not embedded (outside the model package model card schema): {', '.join(self.dropped)}"
                if self.dropped
                else None
            ),
        }


def embed_card(sagemaker: Any, package_arn: str, card: Mapping[str, Any]) -> EmbedResult:
    """Write the standalone ``card`` (a DescribeModelCard response) into the package's ``ModelCard``.

    One DescribeModelPackage, then at most one UpdateModelPackage (none when content and status are unchanged).
    """
    arn, status, text = card.get("ModelCardArn"), card.get("ModelCardStatus"), card.get("Content")
    if not isinstance(text, str) or not isinstance(arn, str):
        raise BadInputError(
            f"card {arn or card.get('ModelCardName')} has no content to embed; publish it first", field="--embed"
        )
    if status == "Archived":
        raise BadInputError(
            f"card {arn} is Archived: an archived card is not embedded in a new package; publish a new card",
            field="--embed",
        )
    sha = content_sha256(text)
    conversion = to_package_card(json.loads(text), card_arn=arn, card_sha256=sha)
    store = ModelPackageStore(sagemaker)
    package = store.describe(package_arn)
    current = package.model_card
    changed = current is None or parsed_json(current.content) != conversion.content
    if current is not None and current.status == "Archived" and changed:
        raise RegistryError(
            f"the card of model package {package_arn} is Archived: SageMaker refuses content updates to it; "
            "register a new model package version and embed the card there"
        )
    target = (
        current.status
        if current is not None and current.status == "Archived"
        else embedded_status(current, str(status), changed)
    )
    result = "unchanged"
    if changed or current is None or current.status != target:
        store.set_model_card(package_arn, conversion.text, target)
        result = "created" if current is None else "updated"
    return EmbedResult(
        model_package_arn=package_arn,
        card_arn=arn,
        content_sha256=sha,
        embedded_sha256=content_sha256(conversion.content),
        status=target,
        result=result,
        dropped=conversion.dropped,
    )


def approve_embedded(sagemaker: Any, package_arn: str, card_arn: str, record: ApprovalRecord) -> dict[str, Any]:
    """Set the package's embedded card Approved for ``record`` (an ``ApprovalRecord`` of the standalone card).

    Refused (``approved: false`` with the reason) when the embedded card was made from another card or another
    content: approving it would approve content nobody reviewed; re-run ``mcgov card publish --embed`` first. The
    embedded status is what the registry shows; no gate trusts it (nor package tags): the gate and the guard check
    that the embedded card holds the standalone card's approved content (``mcgov.steps.registry.binding``).
    """
    store = ModelPackageStore(sagemaker)
    package = store.describe(package_arn)
    card = package.model_card
    out: dict[str, Any] = {"model_package_arn": package_arn, "approved": False}
    if card is None or card.content is None:
        return {**out, "reason": "the package has no embedded card"}
    recorded = provenance(card)
    if recorded.get(PROVENANCE_CARD_ARN) != card_arn or recorded.get(PROVENANCE_SHA256) != record.content_sha256:
        return {
            **out,
            "reason": "the embedded card was not made from the approved content; run "
            "`mcgov card publish --embed` and approve again",
        }
    if card.status == "Archived":
        return {**out, "reason": "the embedded card is Archived"}
    if card.status != "Approved":
        store.set_model_card(package_arn, card.content, "Approved")
    return {**out, "approved": True, "status_changed": card.status != "Approved"}


def approve_embedded_for_card(sagemaker: Any, card: Mapping[str, Any], record: ApprovalRecord) -> dict[str, Any] | None:
    """The hook of ``mcgov card approve``: approve the card embedded in the card's model package (its
    ``model_package_details``), if there is one; None when the card names no package."""
    package_arn = package_arn_from_card(card)
    if package_arn is None:
        return None
    return approve_embedded(sagemaker, package_arn, str(card["ModelCardArn"]), record)


def embed_published(sagemaker: Any, package_arn: str, card_arn: str) -> dict[str, Any]:
    """After a publish (CLI or the populate step): embed the card as it now is; ``{"embedded": ...}``."""

    return {"embedded": embed_card(sagemaker, package_arn, CardStore(sagemaker).describe(card_arn)).to_dict()}
