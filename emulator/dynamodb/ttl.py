"""DynamoDB Time to Live: expired items deleted on the emulator clock, when a test asks for it.

Source: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html (the TTL attribute is a
Number holding epoch seconds; an expired item is deleted by a background process, typically within a few days, not
at once; items of another type are never deleted) and
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ttl-expired-items.html (until then expired items
still appear in reads, so readers filter them with a filter expression on the TTL attribute).

So by default nothing is deleted, as on the day an item expires in AWS, and the product must filter expired items
itself. With ``EventsConfig.ttl_deletion_after_seconds`` = D, each pump deletes the items of TTL-enabled tables whose
TTL is at least D seconds in the past: a test can show an expired item gone, as days later in AWS.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table


def expired_keys(table: Table, cutoff: float) -> list[tuple[DynamoType, DynamoType | None]]:
    """(hash key, range key) of the items whose TTL attribute is a Number at or before ``cutoff``."""
    ttl = getattr(table, "ttl", {}) or {}
    if ttl.get("TimeToLiveStatus") != "ENABLED" or not ttl.get("AttributeName"):
        return []
    name = ttl["AttributeName"]
    keys = []
    for item in table.all_items():
        value = item.attrs.get(name)
        if value is None or value.type != "N":
            continue
        try:
            expires = Decimal(value.value)
        except InvalidOperation:
            continue
        if expires <= Decimal(str(cutoff)):
            keys.append((item.hash_key, item.range_key))
    return keys


def delete_expired(now: float, after_seconds: float | None) -> int:
    """Delete the items expired for ``after_seconds`` in every table of every account; return how many."""
    if after_seconds is None:
        return 0
    deleted = 0
    for account in list(dynamodb_backends.keys()):
        for backend in list(dynamodb_backends[account].values()):
            for table in list(backend.tables.values()):
                for hash_key, range_key in expired_keys(table, now - after_seconds):
                    if table.delete_item(hash_key, range_key) is not None:
                        deleted += 1
    return deleted
