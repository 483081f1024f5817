"""Which card and which stages a share command targets, checked against the policy (pure)."""

from __future__ import annotations

from collections.abc import Iterable

from mcgov.errors import BadInputError
from mcgov.identifiers import is_card_name
from mcgov.share_policies.documents import check_card_arn
from mcgov.share_policies.models import SharePolicy


def stage_names(policy: SharePolicy, stages: Iterable[str] | None, *, source: str | None = None) -> list[str]:
    """``stages`` (default: every stage of the policy), each checked to exist in the policy (file ``source``)."""
    names = list(policy.stages) if stages is None else list(stages)
    for name in names:
        policy.stage(name, source=source)
    return names


def resolve_card_arn(policy: SharePolicy, name_or_arn: str) -> str:
    """A card ARN from a name (policy account + region) or an ARN (checked against the policy); a name that is
    not a valid card name is refused here, before any AWS call."""
    if not name_or_arn.startswith("arn:") and not is_card_name(name_or_arn):
        raise BadInputError(
            f"{name_or_arn!r} is not a model card name (1-63 letters, digits and hyphens, starting and "
            "ending with a letter or digit) nor a model-card ARN",
            field="--card",
        )
    arn = name_or_arn if name_or_arn.startswith("arn:") else policy.card_arn(name_or_arn)
    return check_card_arn(policy, arn)
