"""SageMaker model-card state with the real service's versioning, archiving and content rules."""
from __future__ import annotations

import importlib
import json
import re
from typing import Any

from moto.core.utils import utcnow
from moto.sagemaker.exceptions import ResourceNotFound, ValidationError
from moto.sagemaker.models import FakeModelCard, SageMakerModelBackend

MAX_CONTENT_CHARS = 100_000
CARD_STATUSES = ("Draft", "PendingReview", "Approved", "Archived")
CARD_ARN = re.compile(
    r"^arn:aws[a-z\-]*:sagemaker:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):model-card/(?P<name>[^/]+)$"
)
ARCHIVED_MESSAGE = (
    "Model card {name} is Archived and its content cannot be updated. "
    "Only ModelCardStatus can be changed on an archived model card."
)


def parse_card_ref(ref: str) -> tuple[str | None, str | None, str]:
    """(account, region, name) of a model-card name or ARN; account/region are None for names."""
    match = CARD_ARN.match(ref or "")
    if match:
        return match.group("account"), match.group("region"), match.group("name")
    return None, None, ref


def external_validator() -> Any | None:
    """``mcgov.steps.card.validation.validate_content_text`` if the project provides it, else None."""
    try:
        module = importlib.import_module("mcgov.steps.card.validation")
    except ModuleNotFoundError as exc:
        if exc.name in ("steps", "mcgov.steps.card", "mcgov.steps.card.validation"):
            return None
        raise
    return getattr(module, "validate_content_text", None)


def validate_content(content: str | None) -> None:
    """Reject content the real service refuses: not a JSON object string, too long, or invalid."""
    if content is None:
        return
    if not isinstance(content, str):
        raise ValidationError("Content must be a JSON string.")
    if len(content) > MAX_CONTENT_CHARS:
        raise ValidationError(
            f"1 validation error detected: Value at 'content' failed to satisfy constraint: "
            f"Member must have length less than or equal to {MAX_CONTENT_CHARS} "
            f"(got {len(content)} characters); shorten the card content."
        )
    try:
        parsed = json.loads(content)
    except ValueError as exc:
        raise ValidationError(f"Content is not valid JSON: {exc}.") from exc
    if not isinstance(parsed, dict):
        raise ValidationError("Content must be a JSON object.")
    validator = external_validator()
    if validator is None:
        return
    from mcgov.steps.card.exceptions import CardInputError

    try:
        validator(content)
    except CardInputError as exc:
        raise ValidationError(str(exc)) from exc


def validate_status(status: str | None) -> None:
    """Reject statuses outside Draft | PendingReview | Approved | Archived."""
    if status is not None and status not in CARD_STATUSES:
        raise ValidationError(
            f"1 validation error detected: Value '{status}' at 'modelCardStatus' failed to satisfy "
            f"constraint: Member must satisfy enum value set: [{', '.join(CARD_STATUSES)}]"
        )


class EmulatorSageMakerBackend(SageMakerModelBackend):
    """moto's SageMaker backend with model cards behaving like the real service."""

    def create_model_card(  # type: ignore[override]
        self,
        model_card_name: str,
        security_config: dict[str, str] | None,
        content: str,
        model_card_status: str,
        tags: list[dict[str, str]] | None,
        model_card_version: int | None = None,
        creation_time: Any = None,
        last_modified_time: Any = None,
    ) -> str:
        """CreateModelCard after validating content and status (first version is 1)."""
        validate_status(model_card_status)
        validate_content(content)
        return super().create_model_card(
            model_card_name=model_card_name, security_config=security_config, content=content,
            model_card_status=model_card_status, tags=tags,
        )

    def _get_resource_from_arn(self, arn: str) -> Any:
        """Also resolve versioned model-package ARNs (``model-package/<group>/<version>``) for tagging."""
        if ":model-package/" in arn and arn.count("/") == 2:
            for package in self.model_packages.values():
                if package.arn == arn:
                    if package.tags is None:
                        package.tags = []
                    return package
            raise ValidationError(message=f"Could not find model-package {arn}")
        return super()._get_resource_from_arn(arn)

    def send_pipeline_callback(self, token: str, outcome: str, outputs: list[dict[str, str]] | None = None,
                               reason: str | None = None) -> str:
        """Record a CallbackStep completion (moto lacks SendPipelineExecutionStepSuccess/Failure).

        The emulator has no running pipeline behind the token, so every token is accepted once: a second
        completion of the same token is refused as the service refuses it.
        """
        callbacks: dict[str, dict[str, Any]] = self.__dict__.setdefault("pipeline_callbacks", {})
        if token in callbacks:
            raise ValidationError(message=f"Callback token {token} has already been used.")
        callbacks[token] = {"outcome": outcome, "outputs": outputs or [], "reason": reason}
        return f"arn:aws:sagemaker:{self.region_name}:{self.account_id}:pipeline/emulated/execution/{token[:12]}"

    def latest_card(self, model_card_name: str) -> FakeModelCard:
        """Newest version of a card in this account."""
        if model_card_name not in self.model_cards:
            raise ResourceNotFound(f"Modelcard {model_card_name} does not exist.")
        return self.model_cards[model_card_name][-1]

    def update_model_card(  # type: ignore[override]
        self, model_card_name: str, content: str | None, model_card_status: str | None
    ) -> str:
        """UpdateModelCard: keep what is not given; a new version only when something changes."""
        current = self.latest_card(model_card_name)
        validate_status(model_card_status)
        if content is not None and current.model_card_status == "Archived":
            raise ValidationError(ARCHIVED_MESSAGE.format(name=model_card_name))
        validate_content(content)
        new_content = current.content if content is None else content
        new_status = current.model_card_status if model_card_status is None else model_card_status
        if new_content == current.content and new_status == current.model_card_status:
            return current.arn
        card = FakeModelCard(
            account_id=self.account_id, region_name=self.region_name, model_card_name=model_card_name,
            model_card_version=current.model_card_version + 1, content=new_content,
            model_card_status=new_status, security_config=current.security_config, tags=current.tags,
            creation_time=self.model_cards[model_card_name][0].creation_time, last_modified_time=utcnow(),
        )
        self.model_cards[model_card_name].append(card)
        return card.arn

    def describe_model_card(self, model_card_name: str, model_card_version: int | None) -> dict[str, Any]:  # type: ignore[override]
        """DescribeModelCard; LastModifiedTime is the version's modification time."""
        out = super().describe_model_card(model_card_name, model_card_version)  # type: ignore[arg-type]
        versions = self.model_cards[model_card_name]
        version = next((v for v in versions if v.model_card_version == out["ModelCardVersion"]), versions[-1])
        out["LastModifiedTime"] = version.last_modified_time
        return {k: v for k, v in out.items() if v is not None}
