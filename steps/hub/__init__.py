"""Hub-and-spoke: spokes share their cards with the hub (``publish``, in ``spoke_side``); the hub keeps current,
read-only copies with provenance (``sync``: pure planning in ``plan``, adapters in ``reader``, the run in
``hub_side``)."""

from __future__ import annotations

from mcgov.steps.common.lazy import lazy_exports

_EXPORTS = {
    "CardAction": "mcgov.steps.hub.plan",
    "HubCopy": "mcgov.steps.hub.plan",
    "HubReport": "mcgov.steps.hub.report",
    "Outcome": "mcgov.steps.hub.plan",
    "PUBLISH_STAGE": "mcgov.steps.hub.naming",
    "Provenance": "mcgov.steps.hub.provenance",
    "SourceCard": "mcgov.steps.hub.plan",
    "SpokeReport": "mcgov.steps.hub.report",
    "build_copy": "mcgov.steps.hub.provenance",
    "caller_account": "mcgov.steps.hub.spoke_side",
    "hub_card_arn": "mcgov.steps.hub.naming",
    "hub_card_name": "mcgov.steps.hub.naming",
    "hub_policy": "mcgov.steps.hub.hub_side",
    "mirror_status": "mcgov.steps.hub.plan",
    "plan_card": "mcgov.steps.hub.plan",
    "plan_spoke": "mcgov.steps.hub.plan",
    "publish": "mcgov.steps.hub.spoke_side",
    "publish_policy": "mcgov.steps.hub.spoke_side",
    "read_provenance": "mcgov.steps.hub.provenance",
    "render_table": "mcgov.steps.hub.report",
    "spoke_of": "mcgov.steps.hub.spoke_side",
    "spoke_prefix": "mcgov.steps.hub.naming",
    "sync": "mcgov.steps.hub.hub_side",
    "sync_spoke": "mcgov.steps.hub.hub_side",
}

__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
