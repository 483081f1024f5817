"""The share-policy fields about assessment, checked with what only the steps know (the packaged frameworks and
the card content paths, read from the path table: no content model is loaded). ``mcgov.share_policies`` checks
their shape; the steps' policy loader (``mcgov.steps.policy.load_policy``, the one loader of the CLI and the
handlers) calls this after it.
"""

from __future__ import annotations

from mcgov.errors import BadInputError
from mcgov.share_policies.models import SharePolicy
from mcgov.steps.assess.catalog import framework_names, unknown_framework
from mcgov.steps.assess.paths import parse_content_path


def check_policy_fields(policy: SharePolicy, *, source: str) -> None:
    """``BadInputError`` naming the field when a stage's ``require_assessment`` names a framework that is
    not packaged, or a path of ``required_fields_by_risk_rating`` is not a card content path."""
    for name, stage in policy.stages.items():
        need = stage.require_assessment
        if need is not None and need.framework not in framework_names():
            raise BadInputError(unknown_framework(), source=source, field=f"stages.{name}.require_assessment.framework")
    if not policy.required_fields_by_risk_rating:
        return
    for rating, paths in policy.required_fields_by_risk_rating.items():
        for index, path in enumerate(paths):
            try:
                parse_content_path(path)
            except ValueError as exc:
                raise BadInputError(
                    str(exc), source=source, field=f"required_fields_by_risk_rating.{rating}[{index}]"
                ) from None
