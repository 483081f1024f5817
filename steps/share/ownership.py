"""Whose a share is, relative to one owner (a policy id and one of its stages), and what that owner may do with it.

* ``OWNED``: tagged with the owner's policy id and stage. The only kind a writer changes: it gains the stage's
  missing accounts and cards, and with ``--prune`` loses the principals the stage does not name.
* ``FOREIGN``: tagged with another policy id (or another stage). Never reused, changed, pruned or judged by the gate:
  another policy's business.
* Made before ownership tags (``mcgov:managed-by`` and ``mcgov:stage`` but no ``mcgov:policy-id``), a share is
  ``ADOPTED`` when its live principals are exactly the stage's accounts, else ``LEGACY``. An adopted share counts
  as the owner's (the gate reads it, reconcile and ``share ensure`` take a card in it as shared) but is never
  written: no principal or card is added to it, so adopting cannot widen anyone's access. Equality, not a subset:
  policy A's old share ``[333]`` is a subset of policy C's ``[333, 555]``, and adopting it would make C share A's
  cards with 555. A ``LEGACY`` share holding the owner's card is reported (drift when it grants an account the
  stage does not name); ``--prune`` takes the owner's card out of it, never another policy's cards or principals.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from mcgov.share_policies.reserved import is_product_policy, reserved_stage
from mcgov.steps.share.naming import MANAGED_BY, TAG_MANAGED_BY, TAG_POLICY_ID, TAG_STAGE, Owner
from mcgov.steps.share.ram_rows import ResourceShare


class Ownership(StrEnum):
    """How a share relates to one owner (the module docstring)."""

    OWNED = "owned"
    ADOPTED = "adopted"
    LEGACY = "legacy"
    FOREIGN = "foreign"

    @property
    def ours(self) -> bool:
        """OWNED or ADOPTED: the share counts as the owner's."""
        return self in (Ownership.OWNED, Ownership.ADOPTED)


def is_legacy(share: ResourceShare) -> bool:
    """True for an mcgov share made before ownership tags (managed-by marker, no ``mcgov:policy-id``)."""
    tags = share.tag_map
    return tags.get(TAG_MANAGED_BY) == MANAGED_BY and TAG_POLICY_ID not in tags


def ownership(share: ResourceShare, owner: Owner, principals: Iterable[str]) -> Ownership:
    """``share`` relative to ``owner``; ``principals`` are its live principals (they decide only for a share made
    before ownership tags)."""
    tags = share.tag_map
    if tags.get(TAG_STAGE) != owner.stage or tags.get(TAG_MANAGED_BY) != MANAGED_BY:
        return Ownership.FOREIGN
    policy_id = tags.get(TAG_POLICY_ID)
    if policy_id is not None:
        return Ownership.OWNED if policy_id == owner.policy_id else Ownership.FOREIGN
    return Ownership.ADOPTED if set(principals) == set(owner.accounts) else Ownership.LEGACY


def claimant(share: ResourceShare) -> str | None:
    """Who else a card held by ``share`` belongs to, for reconcile: the policy id of a user policy's share,
    ``legacy`` for a share made before ownership tags by a user policy, None for the product's own shares
    (hub publish, share back), which claim no card."""
    tags = share.tag_map
    if tags.get(TAG_MANAGED_BY) != MANAGED_BY:
        return None
    policy_id = tags.get(TAG_POLICY_ID)
    if policy_id is not None:
        return None if is_product_policy(policy_id) else policy_id
    return None if reserved_stage(tags.get(TAG_STAGE, "")) else LEGACY_CLAIMANT


LEGACY_CLAIMANT = "legacy"
"""``claimant`` of a card held by a share made before ownership tags (no policy id says whose it is)."""
