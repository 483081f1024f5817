"""The gate's hub-copy condition (stage ``hub_copy_current``): the hub's copy of the card holds its latest version.

Pure: ``HubCopyState`` is what the reader found (``mcgov.steps.gate.reader.read_hub_copy``: DescribeModelCard of
the copy by ARN, readable by the spoke when the hub policy sets ``share_back_to_spokes``); ``hub_copy_problem``
judges it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mcgov.identifiers import parse_card_arn, partition_of
from mcgov.share_policies.models import SharePolicy
from mcgov.steps.hub.naming import hub_card_arn
from mcgov.steps.hub.provenance import Provenance


@dataclass(frozen=True)
class HubCopyState:
    """The hub copy of a card as the gate read it: found or not, its provenance, or the read error."""

    arn: str
    found: bool
    provenance: Provenance | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "arn": self.arn,
            "found": self.found,
            "error": self.error,
            "provenance": self.provenance.to_dict() if self.provenance else None,
        }


def copy_arn(policy: SharePolicy, card_arn: str) -> str:
    """The ARN of the hub copy of ``card_arn`` (policy ``hub``)."""
    assert policy.hub is not None  # the policy model requires hub for hub_copy_current
    match = parse_card_arn(card_arn)
    name = match["name"] if match else card_arn.rsplit("/", 1)[-1]
    return hub_card_arn(
        partition_of(policy.hub.region), policy.hub.region, policy.hub.account, policy.card_account, name
    )


def hub_copy_problem(stage: str, card: dict[str, Any], state: HubCopyState | None) -> str | None:
    """Why the hub copy is not current for ``card`` (a ``card_summary``), or None when it is."""
    fix = (
        "run `mcgov hub publish --policy HUB_POLICY` in this account (if the card is not yet shared with the hub), "
        "then `mcgov hub sync --policy HUB_POLICY --spoke <this account>` in the hub, and re-run the gate"
    )
    if state is None:
        return f"Stage {stage} requires a current hub copy but none was read; {fix}."
    if state.error:
        return (
            f"Stage {stage} requires a current hub copy but {state.arn} could not be read ({state.error}); the hub "
            "policy must set share_back_to_spokes: true so this account can read its copies, then re-run the gate."
        )
    if not state.found:
        return f"Stage {stage} requires a current hub copy but {state.arn} does not exist; {fix}."
    if state.provenance is None:
        return f"Stage {stage} requires a current hub copy but {state.arn} carries no mcgov.hub provenance; {fix}."
    prov = state.provenance
    if prov.source_arn != card.get("arn"):
        return (
            f"Stage {stage}: hub copy {state.arn} is the copy of {prov.source_arn}, not {card.get('arn')}; "
            f"ask the hub to delete it, then {fix}."
        )
    if prov.source_version != card.get("version") or prov.source_sha256 != card.get("content_sha256"):
        return (
            f"Stage {stage} requires the hub copy to be current: {state.arn} holds version {prov.source_version} "
            f"(synced {prov.synced_at}), the card is at version {card.get('version')}; {fix}."
        )
    return None
