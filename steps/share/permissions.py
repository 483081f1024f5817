"""The permission a share really carries: ListResourceSharePermissions, cached per share ARN.

The ``mcgov:permission-arn`` tag records the permission a share was created with, but
``ReplacePermissionAssociations`` (and ``AssociateResourceSharePermission --replace``) change a share's
permission and leave its tags unchanged, so the gate asks RAM instead of trusting the tag.

Cache: a share's permission changes only through those explicit calls, never by itself, so the answer is
kept per share ARN for the life of the process (a Lambda container, a CLI run): the steady-state gate costs
no extra call. A process that replaces a share's permission itself calls ``forget_share_permissions``; a
long-lived process that must notice an operator's replacement calls ``clear_permission_cache``. The key is the
share ARN, which names the owning account and region, so two accounts' shares never share an entry; at most
``CACHE_MAX_SHARES`` are kept (the oldest read is dropped first), so a reconcile over many cards stays bounded.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from mcgov.steps.share.client import call

CACHE_MAX_SHARES = 1024
_cache: dict[str, tuple[str, ...]] = {}
_lock = threading.Lock()


def list_share_permissions(ram: Any, share_arn: str) -> tuple[str, ...]:
    """ARNs of the permissions attached to ``share_arn`` (ListResourceSharePermissions, every page; uncached)."""
    arns: list[str] = []
    kwargs: dict[str, Any] = {"resourceShareArn": share_arn}
    while True:  # ListResourceSharePermissions has no botocore paginator
        page = call(ram, "list_resource_share_permissions", **kwargs)
        arns.extend(str(p["arn"]) for p in page.get("permissions", []) if p.get("arn"))
        if not page.get("nextToken"):
            return tuple(dict.fromkeys(arns))
        kwargs["nextToken"] = page["nextToken"]


def share_permissions(ram: Any, share_arn: str) -> tuple[str, ...]:
    """``list_share_permissions`` of ``share_arn``, read once per process (see the module docstring)."""
    with _lock:
        cached = _cache.get(share_arn)
    if cached is not None:
        return cached
    arns = list_share_permissions(ram, share_arn)
    with _lock:
        _cache[share_arn] = arns
        while len(_cache) > CACHE_MAX_SHARES:
            del _cache[next(iter(_cache))]
    return arns


def forget_share_permissions(share_arns: Iterable[str]) -> None:
    """Drop the cached permissions of ``share_arns`` (after this process replaced or deleted them)."""
    with _lock:
        for arn in share_arns:
            _cache.pop(arn, None)


def clear_permission_cache() -> None:
    """Forget every cached share permission."""
    with _lock:
        _cache.clear()
