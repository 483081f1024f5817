"""The human-written card template: YAML whose top-level keys are the content's own sections.

Example (the README's "The card template" and ``examples/churn/card-template.yaml``)::

    model_overview:
      model_description: Predicts which customers will churn next month.
      model_owner: churn-team@example.com
    intended_uses:
      risk_rating: Medium

The template is validated as card content; fields the step owns are refused.
"""

from __future__ import annotations

from typing import Any

from mcgov.errors import BadInputError
from mcgov.steps.card.io import load_yaml
from mcgov.steps.card.ownership import step_owned_paths
from mcgov.steps.card.validation import validate_content


def parse_template(data: Any, *, source: str) -> dict[str, Any]:
    """Validate template data (already parsed) and return it normalized. Empty file -> ``{}``."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise BadInputError(
            "a card template must be a mapping of content sections (model_overview:, intended_uses: ...)", source=source
        )
    owned = step_owned_paths(data)
    if owned:
        raise BadInputError(
            "this field is filled by the pipeline step on every run; remove it from the template",
            source=source,
            field=owned[0],
        )
    return validate_content(data, source=source)


def load_template(location: str, *, s3_client: Any = None) -> dict[str, Any]:
    return parse_template(load_yaml(location, s3_client=s3_client).data, source=location)
