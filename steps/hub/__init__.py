"""Hub-and-spoke: spokes share their cards with the hub (``publish``); the hub keeps current, read-only copies with
provenance (``sync``: pure planning in ``plan``, adapters in ``reader``, the run in ``sync``)."""
from mcgov.steps.hub.naming import PUBLISH_STAGE, hub_card_arn, hub_card_name, spoke_prefix
from mcgov.steps.hub.plan import CardAction, HubCopy, Outcome, SourceCard, mirror_status, plan_card, plan_spoke
from mcgov.steps.hub.provenance import Provenance, build_copy, read_provenance
from mcgov.steps.hub.publish import caller_account, publish, publish_policy, spoke_of
from mcgov.steps.hub.report import HubReport, SpokeReport, render_table
from mcgov.steps.hub.sync import hub_policy, sync, sync_spoke

__all__ = [
    "PUBLISH_STAGE",
    "CardAction",
    "HubCopy",
    "HubReport",
    "Outcome",
    "Provenance",
    "SourceCard",
    "SpokeReport",
    "build_copy",
    "caller_account",
    "hub_card_arn",
    "hub_card_name",
    "hub_policy",
    "mirror_status",
    "plan_card",
    "plan_spoke",
    "publish",
    "publish_policy",
    "read_provenance",
    "render_table",
    "spoke_of",
    "spoke_prefix",
    "sync",
    "sync_spoke",
]
