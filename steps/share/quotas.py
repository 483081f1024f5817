"""AWS RAM limits the share and reconcile code plans around (one place; change here when AWS changes them).

Sources: AWS RAM User Guide, "Service quotas for AWS RAM" (default limits, adjustable through Service
Quotas), and the API reference of ResourceShareLimitExceededException ("You can associate up to 100
resources per call").
"""

from __future__ import annotations

RESOURCES_PER_CALL = 100
"""resourceArns accepted by one CreateResourceShare / AssociateResourceShare call."""

RESOURCE_SHARES_PER_REGION = 25_000
"""Resource shares per account and Region."""

RESOURCE_ASSOCIATIONS_PER_SHARE = 5_000
"""Resource associations per resource share."""

RESOURCE_ASSOCIATIONS_PER_REGION = 25_000
"""Resource associations across all shares of the account and Region (a card in 2 shares counts 2)."""

MAX_RESULTS = 500
"""Largest page size of the RAM list calls (GetResourceShares, GetResourceShareAssociations, ListResources)."""

SHARE_ARNS_PER_READ = 100
"""resourceShareArns passed to one read call (not documented by AWS; kept at the per-call resource limit)."""

BATCH_SHARE_CAPACITY = 1_000
"""Cards reconcile puts into one batched share: a multiple of RESOURCES_PER_CALL, well under
RESOURCE_ASSOCIATIONS_PER_SHARE so a share stays readable in two pages and under the quota after manual additions."""

MODEL_CARDS_PAGE_SIZE = 100
"""Largest MaxResults of SageMaker ListModelCards."""
