"""SageMaker state for the emulator: model cards with the real service's versioning, archiving and
content rules (``validation``), CallbackStep completions, tagging of versioned model packages, and the
``ModelCard`` / ``ModelLifeCycle`` of model packages (``packages``).

Request parsing (card names or ARNs, cross-account routing) and response shapes live in ``responses``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from moto.core.utils import utcnow
from moto.sagemaker.exceptions import ConflictException, ResourceNotFound, ValidationError
from moto.sagemaker.models import FakeModelCard, SageMakerModelBackend

from mcgov.emulator.sagemaker import export
from mcgov.emulator.sagemaker.packages import check_lifecycle, check_model_card, merge_model_card
from mcgov.emulator.sagemaker.validation import (
    ARCHIVED_MESSAGE,
    COMBINED_UPDATE_MESSAGE,
    validate_card_name,
    validate_content,
    validate_status,
)
from mcgov.emulator.state import get_state

_Method = TypeVar("_Method", bound=Callable[..., Any])
SEARCH_PAGE_DEFAULT = 10


def locked(method: _Method) -> _Method:
    """Run a read-check-write of the backend's own state under the emulator's state lock: the server is
    threaded, and concurrent requests must not both pass a "does it exist yet" check (export job names,
    callback tokens) or both append version N+1 of a card."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with get_state().lock:
            return method(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


class EmulatorSageMakerBackend(SageMakerModelBackend):
    """moto's SageMaker backend with model cards behaving like the real service."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.pipeline_callbacks: dict[str, dict[str, Any]] = {}
        self.callback_tokens: dict[str, str] = {}  # token -> the pipeline execution of its CallbackStep
        self.model_card_export_jobs: dict[str, export.ExportJob] = {}
        self.package_cards: dict[str, dict[str, Any]] = {}
        self.package_lifecycles: dict[str, dict[str, str]] = {}

    def package_arn(self, name_or_arn: str) -> str:
        """The ARN of one of this account's model packages (ValidationError when there is none)."""
        return str(self.describe_model_package(name_or_arn).arn)

    @locked
    def set_package_extras(self, arn: str, model_card: dict[str, Any] | None, lifecycle: dict[str, Any] | None) -> None:
        """Store a package's ``ModelCard`` (checked, merged; Archived keeps its content) and ``ModelLifeCycle``."""
        card = check_model_card(model_card) if model_card is not None else None
        stage = check_lifecycle(lifecycle) if lifecycle is not None else None
        if card is not None:
            self.package_cards[arn] = merge_model_card(arn, self.package_cards.get(arn), card)
        if stage is not None:
            self.package_lifecycles[arn] = stage

    def package_extras(self, arn: str) -> dict[str, Any]:
        """``ModelCard`` and ``ModelLifeCycle`` of a package, as DescribeModelPackage returns them."""
        out: dict[str, Any] = {}
        if arn in self.package_cards:
            out["ModelCard"] = dict(self.package_cards[arn])
        if arn in self.package_lifecycles:
            out["ModelLifeCycle"] = dict(self.package_lifecycles[arn])
        return out

    @locked
    def create_model_card(
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
        """CreateModelCard after checking the name, status and content (first version is 1)."""
        validate_card_name(model_card_name)
        validate_status(model_card_status)
        validate_content(content)
        return super().create_model_card(
            model_card_name=model_card_name,
            security_config=security_config,
            content=content,
            model_card_status=model_card_status,
            tags=tags,
        )

    def latest_card(self, model_card_name: str) -> FakeModelCard:
        """Newest version of a card in this account."""
        if model_card_name not in self.model_cards:
            raise ResourceNotFound(f"Modelcard {model_card_name} does not exist.")
        return self.model_cards[model_card_name][-1]

    def card_version(self, model_card_name: str, version: int | None = None) -> FakeModelCard:
        """One version of a card (the newest when ``version`` is None)."""
        latest = self.latest_card(model_card_name)
        if not version:
            return latest
        for card in self.model_cards[model_card_name]:
            if card.model_card_version == version:
                return card
        raise ResourceNotFound(f"Modelcard with name {model_card_name} and version: {version} does not exist")

    @locked
    def update_model_card(self, model_card_name: str, content: str | None, model_card_status: str | None) -> str:
        """UpdateModelCard: keep what is not given; a new version only when something changes.

        Content and ModelCardStatus in one call are refused (botocore's ``UpdateModelCard`` documentation:
        "You cannot update both model card content and model card status in a single call").
        """
        current = self.latest_card(model_card_name)
        if content is not None and model_card_status is not None:
            raise ValidationError(COMBINED_UPDATE_MESSAGE)
        validate_status(model_card_status)
        if content is not None and current.model_card_status == "Archived":
            raise ValidationError(ARCHIVED_MESSAGE.format(name=model_card_name))
        validate_content(content)
        new_content = current.content if content is None else content
        new_status = current.model_card_status if model_card_status is None else model_card_status
        if new_content == current.content and new_status == current.model_card_status:
            return current.arn
        card = FakeModelCard(
            account_id=self.account_id,
            region_name=self.region_name,
            model_card_name=model_card_name,
            model_card_version=current.model_card_version + 1,
            content=new_content,
            model_card_status=new_status,
            security_config=current.security_config,
            tags=current.tags,
            creation_time=self.model_cards[model_card_name][0].creation_time,
            last_modified_time=utcnow(),
        )
        self.model_cards[model_card_name].append(card)
        return card.arn

    @locked
    def create_model_card_export_job(
        self,
        model_card_name: str,
        version: int | None,
        job_name: str,
        output_path: str,
        caller: str,
        caller_role: str | None = None,
    ) -> str:
        """CreateModelCardExportJob on a card of this account (``caller`` may be a consumer of a shared card)."""
        export.validate_job_request(job_name, output_path)
        card = self.card_version(model_card_name, version)
        arn = f"{card.arn}/export-job/{job_name}"
        if arn in self.model_card_export_jobs:
            raise ConflictException(
                f"Model card export job {job_name} already exists for model card {model_card_name}."
            )
        self.model_card_export_jobs[arn] = export.ExportJob(
            name=job_name,
            arn=arn,
            card_name=model_card_name,
            card_arn=card.arn,
            card_version=card.model_card_version,
            card_status=card.model_card_status,
            content=card.content,
            output_path=output_path,
            caller=caller,
            caller_role=caller_role,
        )
        return arn

    @locked
    def describe_model_card_export_job(self, arn: str) -> dict[str, Any]:
        """DescribeModelCardExportJob; each call is a poll, and the poll after ``IN_PROGRESS_POLLS`` runs the job."""
        job = self.model_card_export_jobs.get(arn)
        if job is None:
            raise ResourceNotFound(f"Model card export job {arn} does not exist.")
        if job.status == "InProgress":
            job.polls += 1
            if job.polls > export.IN_PROGRESS_POLLS:
                export.run(job)
        return job.describe()

    @locked
    def search_model_cards(
        self, sort_order: str | None, max_results: int | None, next_token: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Search(Resource=ModelCard) of this account: the latest version of each card, with its Content and Tags
        (botocore ``SearchRecord.ModelCard``), ``max_results`` (default 10) per page in card-name order;
        ``next_token`` is the offset this method handed out (anything else is a ValidationException)."""
        names = sorted(self.model_cards, reverse=sort_order == "Descending")
        start = 0
        if next_token is not None:
            if not (next_token.isascii() and next_token.isdigit()) or int(next_token) > len(names):
                raise ValidationError("Invalid pagination token because it was not issued by this endpoint.")
            start = int(next_token)
        end = start + (max_results or SEARCH_PAGE_DEFAULT)
        records = []
        for name in names[start:end]:
            card = self.latest_card(name)
            tags = list(self.card_tags(name))
            record = {**card.describe(), "LastModifiedTime": card.last_modified_time, "Tags": tags}
            records.append({"ModelCard": {k: v for k, v in record.items() if v is not None}})
        return records, (str(end) if end < len(names) else None)

    @locked
    def card_tags(self, model_card_name: str) -> list[dict[str, str]]:
        """The tags of a card: one list for the card, whatever its version (tags belong to the resource)."""
        self.latest_card(model_card_name)  # ResourceNotFound when there is no such card
        first = self.model_cards[model_card_name][0]
        if first.tags is None:
            first.tags = []
        for version in self.model_cards[model_card_name]:
            version.tags = first.tags
        return first.tags

    @locked
    def add_tags(self, arn: str, tags: list[dict[str, str]]) -> list[dict[str, str]]:
        """AddTags; an existing key gets the new value (the AddTags API reference: "overwrites")."""
        if ":model-card/" not in arn:
            return super().add_tags(arn, tags)
        current = self.card_tags(arn.rsplit("/", 1)[1])
        keys = {t["Key"] for t in tags}
        current[:] = [t for t in current if t["Key"] not in keys] + list(tags)
        return current

    @locked
    def delete_tags(self, arn: str, tag_keys: list[str]) -> None:
        if ":model-card/" not in arn:
            return super().delete_tags(arn, tag_keys)
        current = self.card_tags(arn.rsplit("/", 1)[1])
        current[:] = [t for t in current if t["Key"] not in tag_keys]
        return None

    def _get_resource_from_arn(self, arn: str) -> Any:
        """Also resolve versioned model-package ARNs (``model-package/<group>/<version>``) and model cards."""
        if ":model-card/" in arn:
            name = arn.rsplit("/", 1)[1]
            self.card_tags(name)
            return self.model_cards[name][-1]
        if ":model-package/" in arn and arn.count("/") == 2:
            for package in self.model_packages.values():
                if package.arn == arn:
                    if package.tags is None:
                        package.tags = []
                    return package
            raise ValidationError(message=f"Could not find model-package {arn}")
        return super()._get_resource_from_arn(arn)

    @locked
    def send_pipeline_callback(
        self, token: str, outcome: str, outputs: list[dict[str, str]] | None = None, reason: str | None = None
    ) -> str:
        """Record a CallbackStep completion (moto lacks SendPipelineExecutionStepSuccess/Failure).

        The emulator has no running pipeline behind the token, so every token is accepted once: a second
        completion of the same token is refused as the service refuses it.
        """
        if token in self.pipeline_callbacks:
            raise ValidationError(message=f"Callback token {token} has already been used.")
        self.pipeline_callbacks[token] = {"outcome": outcome, "outputs": outputs or [], "reason": reason}
        return self.callback_tokens.get(
            token, f"arn:aws:sagemaker:{self.region_name}:{self.account_id}:pipeline/emulated/execution/{token[:12]}"
        )
