"""Lambda: build the model card from the pipeline's outputs and publish it (idempotent)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mcgov.steps.card.service import CardSources, populate_card
from mcgov.steps.common.aws import make_session
from mcgov.steps.handlers.runtime import lambda_entry, parse_event
from mcgov.steps.registry.embedded import embed_published


class PopulateCardEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    card_name: str
    training_job_name: str | None = None
    evaluation_uris: list[str] = []
    evaluation_format: str | None = None
    template_uri: str | None = None
    pipeline_execution_arn: str | None = None
    model_package_arn: str | None = None
    kms_key_id: str | None = None
    embed: bool = Field(default=False, description="Also write the card into model_package_arn's ModelCard.")
    status: Literal["Draft", "PendingReview"] | None = Field(
        default=None, description="A pipeline may submit a card for review; approving it is a person's decision."
    )

    @model_validator(mode="after")
    def _embed_needs_package(self) -> PopulateCardEvent:
        if self.embed and not (self.model_package_arn or "").startswith("arn:"):
            raise ValueError("embed: needs model_package_arn (the versioned model package to embed the card in)")
        return self


@lambda_entry("populate_card")
def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    request = parse_event(PopulateCardEvent, event)
    sources = CardSources(
        training_job_name=request.training_job_name,
        evaluations=tuple(request.evaluation_uris),
        evaluation_format=request.evaluation_format,
        template=request.template_uri,
        model_package=request.model_package_arn,
        pipeline_execution_arn=request.pipeline_execution_arn,
    )
    result = populate_card(
        request.card_name,
        sources,
        sagemaker=make_session().client("sagemaker"),
        s3=make_session().client("s3"),
        status=request.status,
        kms_key_id=request.kms_key_id,
    )
    embedded: dict[str, Any] = {}
    if request.embed:
        embedded = embed_published(make_session().client("sagemaker"), str(request.model_package_arn), result.arn)
    return {
        **embedded,
        "card_arn": result.arn,
        "card_name": result.name,
        "card_version": result.version,
        "card_status": result.status,
        "content_sha256": result.content_sha256,
        "result": result.result,
        **({"note": result.note} if result.note else {}),
    }
