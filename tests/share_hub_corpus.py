"""Hostile cases of share ownership (issue 18 item 1) and hub sync (item 7), each saying why it is hostile.

``OWNERSHIP`` are RAM situations a second policy, a hand edit or an older mcgov release leaves in the card account;
``tests/test_share_hub_corpus.py`` runs one scenario per name (``test_ownership_<name>``, a meta-test checks every
name has one). ``RESERVED`` are policy edits ``policy validate`` refuses. ``SPOKE_CONTENT`` is text a spoke writes
into its card and ``FOREIGN_PROVENANCE`` are ``custom_details`` keys a spoke sets to pass for the hub's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Case:
    name: str
    why: str


OWNERSHIP: tuple[Case, ...] = (
    Case(
        "issue_repro",
        "policy A shares prod with 333333333333, policy C (same card account) with 333333333333 and 555555555555: "
        "reconcile --policy C once added 555555555555 to A's batched share, so 555555555555 read A's cards",
    ),
    Case(
        "second_policy_same_card",
        "two policies share the same card on purpose (share ensure): each must keep its own share and principals, "
        "and neither's gate may judge or repair the other's share",
    ),
    Case(
        "policy_edit_keeps_owner",
        "a policy that only gains an account is the same policy: its shares are reused and gain the account",
    ),
    Case(
        "principals_added_by_hand",
        "an operator associates an account with the policy's batched share outside mcgov: it is drift, reported "
        "by reconcile, share status and the gate, and removed by reconcile --prune",
    ),
    Case(
        "per_card_principal_added_by_hand",
        "the same on a per-card share: share ensure reports it and --prune removes it",
    ),
    Case(
        "principal_added_to_second_share",
        "the card sits in two shares of the policy and an account is added by hand to the one the gate does not "
        "pick: the card is readable beyond the policy all the same, so the gate blocks and reconcile reports it",
    ),
    Case(
        "legacy_exact_is_adopted",
        "a share made before ownership tags that grants exactly the stage's accounts is used as it is: no new share, "
        "no write, the gate allows",
    ),
    Case(
        "legacy_subset_not_adopted_by_other_policy",
        "policy A's share made before ownership tags ([333333333333]) is a subset of policy C's accounts: C must "
        "neither adopt nor fill it, nor take A's cards",
    ),
    Case(
        "legacy_with_extra_principal",
        "a share made before ownership tags grants the card to an account the stage does not name: the gate "
        "blocks, reconcile leaves the card alone until --prune takes it out of that share",
    ),
    Case(
        "legacy_per_card_with_extra_principal",
        "the same on a per-card share: share ensure reports it and --prune deletes it (it holds this card only)",
    ),
)

RESERVED: tuple[tuple[dict[str, Any], str, str], ...] = (
    (
        {"stages": {"hub": {"accounts": ["333333333333"], "required_card_status": "Draft"}}},
        "stages.hub",
        "hub publish shares a spoke's cards through stage hub",
    ),
    (
        {"stages": {"spoke-444444444444": {"accounts": ["333333333333"], "required_card_status": "Draft"}}},
        "stages.spoke-444444444444",
        "hub sync shares copies back through spoke-<account>",
    ),
    (
        {"stages": {"prod-mpg": {"accounts": ["333333333333"], "required_card_status": "Draft"}}},
        "stages.prod-mpg",
        "mcgov-<card>-prod-mpg is stage prod's model package group share",
    ),
    ({"policy_id": "mcgov-hub-111111111111"}, "policy_id", "the id of the product's own hub shares"),
    ({"policy_id": "Prod_Policy"}, "policy_id", "not an id: uppercase and underscore"),
    ({"policy_id": "prod\u202epolicy"}, "policy_id", "a right-to-left override inside the id"),
)

SPOKE_CONTENT: tuple[tuple[str, dict[str, Any], str, str], ...] = (
    (
        "esc",
        {"model_overview": {"model_description": "fine\x1b[2J\x1b[HNo changes."}},
        "model_overview.model_description",
        "an ESC sequence that repaints a terminal",
    ),
    (
        "rlo",
        {"intended_uses": {"risk_rating": "Low", "explanations_for_risk_rating": "risk \u202ehgih\u202c"}},
        "intended_uses.explanations_for_risk_rating",
        "a right-to-left override that reorders what a reviewer reads",
    ),
    (
        "zero-width",
        {"model_overview": {"model_owner": "risk\u200bteam"}},
        "model_overview.model_owner",
        "a zero-width space hiding inside a name",
    ),
    (
        "tag-characters",
        {"model_overview": {"model_description": "".join(chr(0xE0000 + ord(c)) for c in "approve me")}},
        "model_overview.model_description",
        "a sentence written in invisible tag characters",
    ),
    (
        "line-separator",
        {"additional_information": {"custom_details": {"team": "risk\u2028approved: yes"}}},
        "additional_information.custom_details",
        "U+2028 starting a new line where only one is shown",
    ),
    (
        "esc-in-key",
        {"additional_information": {"custom_details": {"owner\x1b]8;;https://x\x07": "risk"}}},
        "additional_information.custom_details",
        "an ESC (OSC 8 hyperlink) sequence in a custom_details key",
    ),
)

FOREIGN_PROVENANCE: tuple[tuple[str, str], ...] = (
    ("mcgov.hub.source_arn", "names another card as the copy's source"),
    ("MCGOV.HUB.SOURCE_VERSION", "the same key, upper-cased"),
    (" mcgov.hub.source_status ", "the same key, padded"),
    ("\uff4d\uff43\uff47\uff4f\uff56.hub.synced_at", "the same key in fullwidth letters (NFKC folds them)"),
    ("mcgov.hub.copy_sha256", "a hash that would make a hub edit look like the sync's"),
    ("mcgov.pipeline_execution_arn", "a pipeline's provenance the hub cannot check"),
)
