"""The notification events (pure): PutEvents entries of source ``mcgov`` on the policy's event bus.

Three detail types, each with ``schema_version``, the ``policy_id`` and the ARNs it concerns in ``resources``:

* ``Gate Decision``: the decision record the gate returns (``decision_output``: ``status``, ``reason``, ``allowed``,
  ``stage``, ``reasons``, ``card``, ``principals`` ...), for a final decision (ALLOWED or BLOCKED; the CLI's record
  whatever its status, since it is the CLI's last word);
* ``Card Approved``: the card ARN, the approved version, its content sha256, the approver ARN, the time, signed or
  not (never the free-text note);
* ``Package Approval Reverted``: the model package ARN, its card (or none), the stage and the guard's reason.

Every string passes ``redact_text`` (an AWS message or a note may quote a secret). An entry is at most 256 KiB as
EventBridge counts it (Source, DetailType, Detail and each Resources entry in UTF-8:
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html); a larger gate record keeps its
verdict and loses its bulk (``fit``): principals become counts per status, then reasons are cut, and the detail
says ``"truncated": true``.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mcgov import identifiers as ids
from mcgov.share_policies.models import SharePolicy
from mcgov.steps.card.secrets import redact_text

SOURCE = "mcgov"
GATE_DECISION = "Gate Decision"
CARD_APPROVED = "Card Approved"
PACKAGE_APPROVAL_REVERTED = "Package Approval Reverted"
DETAIL_TYPES = (GATE_DECISION, CARD_APPROVED, PACKAGE_APPROVAL_REVERTED)
SCHEMA_VERSION = 1
ENTRY_MAX_BYTES = 256 * 1024  # one entry, and the sum of the entries of one PutEvents request
ENTRIES_PER_REQUEST = 10  # PutEvents ``Entries``: 1-10 (botocore ``PutEventsRequestEntryList``)
REASONS_KEPT = 20
REASON_MAX_CHARS = 2000
FINAL_STATUSES = ("ALLOWED", "BLOCKED")


@dataclass(frozen=True)
class Entry:
    """One PutEvents entry: ``detail`` is JSON-safe and sanitized; ``request`` is the entry as the API takes it."""

    bus_arn: str
    detail_type: str
    detail: Mapping[str, Any]
    resources: tuple[str, ...] = ()

    @property
    def region(self) -> str:
        return self.bus_arn.split(":")[3]

    @property
    def detail_json(self) -> str:
        return json.dumps(self.detail, ensure_ascii=False, separators=(",", ":"), allow_nan=False)

    def request(self) -> dict[str, Any]:
        return {
            "Source": SOURCE,
            "DetailType": self.detail_type,
            "Detail": self.detail_json,
            "Resources": list(self.resources),
            "EventBusName": self.bus_arn,
        }

    @property
    def size(self) -> int:
        """The entry's size as EventBridge counts it (no ``Time``: EventBridge sets it)."""
        parts = (SOURCE, self.detail_type, self.detail_json, *self.resources)
        return sum(len(part.encode("utf-8", "surrogatepass")) for part in parts)


def gate_decision(policy: SharePolicy, record: Mapping[str, Any]) -> Entry | None:
    """The ``Gate Decision`` event of a gate record (``decision_output``, with ``model_package`` for the package
    gate); None when the policy sets no notifications."""
    bus = _bus(policy)
    if bus is None:
        return None
    resources = (_arn(_mapping(record.get("card")).get("arn")), _arn(_mapping(record.get("model_package")).get("arn")))
    detail = {"schema_version": SCHEMA_VERSION, "policy_id": policy.policy_id, **_sanitized(dict(record))}
    return fit(Entry(bus, GATE_DECISION, detail, tuple(r for r in resources if r)), _shrink_gate_record)


def card_approved(
    policy: SharePolicy,
    card_arn: str,
    *,
    version: int,
    content_sha256: str,
    approver: str,
    approved_at: str,
    signed: bool,
) -> Entry | None:
    """The ``Card Approved`` event of an approval recorded by ``mcgov card approve``; None without notifications."""
    bus = _bus(policy)
    if bus is None:
        return None
    detail = {
        "schema_version": SCHEMA_VERSION,
        "policy_id": policy.policy_id,
        "card_arn": card_arn,
        "card_name": card_arn.rsplit("/", 1)[-1],
        "version": version,
        "content_sha256": content_sha256,
        "approver": approver,
        "approved_at": approved_at,
        "signed": signed,
    }
    return fit(Entry(bus, CARD_APPROVED, _sanitized(detail), (card_arn,)), _shrink_reason)


def package_reverted(
    policy: SharePolicy, package_arn: str, card_arn: str | None, stage: str, reason: str
) -> Entry | None:
    """The ``Package Approval Reverted`` event of the approval guard; None without notifications."""
    bus = _bus(policy)
    if bus is None:
        return None
    detail = {
        "schema_version": SCHEMA_VERSION,
        "policy_id": policy.policy_id,
        "model_package_arn": package_arn,
        "card_arn": card_arn,
        "stage": stage,
        "reason": reason,
    }
    resources = tuple(r for r in (_arn(package_arn), _arn(card_arn)) if r)
    return fit(Entry(bus, PACKAGE_APPROVAL_REVERTED, _sanitized(detail), resources), _shrink_reason)


def fit(entry: Entry, shrink: Callable[[dict[str, Any], int], dict[str, Any]]) -> Entry:
    """``entry`` when it is at most ``ENTRY_MAX_BYTES``; else its detail shrunk step by step (``shrink(detail, step)``
    for steps 1, 2 ...) until it is, marked ``"truncated": true``. Raises ``ValueError`` if nothing is left to cut
    (a bug: every field kept at the last step is bounded)."""
    step = 0
    current = entry
    while current.size > ENTRY_MAX_BYTES:
        step += 1
        detail = shrink(dict(entry.detail), step)
        current = Entry(entry.bus_arn, entry.detail_type, {**detail, "truncated": True}, entry.resources)
        if step > 3 and current.size > ENTRY_MAX_BYTES:
            raise ValueError(f"a {entry.detail_type} event does not fit in {ENTRY_MAX_BYTES} bytes")
    return current


def batches(entries: Sequence[Entry]) -> list[list[Entry]]:
    """The entries in PutEvents requests: at most 10 per request, at most 256 KiB in total per request."""
    out: list[list[Entry]] = []
    size = 0
    for entry in entries:
        if not out or len(out[-1]) == ENTRIES_PER_REQUEST or size + entry.size > ENTRY_MAX_BYTES:
            out.append([])
            size = 0
        out[-1].append(entry)
        size += entry.size
    return out


def _shrink_gate_record(detail: dict[str, Any], step: int) -> dict[str, Any]:
    """Step 1: principals as counts per status, no consumer checks; 2: also the first reasons, each cut; 3: only
    the verdict, the stage, the card and the first reason."""
    principals = detail.get("principals")
    if isinstance(principals, Mapping):
        counts = Counter(str(p.get("status")) if isinstance(p, Mapping) else "UNKNOWN" for p in principals.values())
        detail = {**detail, "principals": None, "principals_by_status": dict(sorted(counts.items()))}
    detail.pop("consumer_checks", None)
    if step >= 2:
        reasons = _list(detail.get("reasons"))
        detail["reasons"] = [_cut(str(r)) for r in reasons[:REASONS_KEPT]]
        detail["reasons_omitted"] = max(0, len(reasons) - REASONS_KEPT)
        detail["reason"] = _cut(str(detail.get("reason", "")))
        detail["shares"] = _list(detail.get("shares"))[:REASONS_KEPT]
    if step >= 3:
        kept = ("schema_version", "policy_id", "status", "allowed", "pending", "stage", "checked_at", "reason")
        card = _mapping(detail.get("card"))
        detail = {
            **{key: detail.get(key) for key in kept},
            "card": {key: card.get(key) for key in ("arn", "name", "version", "status", "content_sha256")},
            "reasons": detail["reasons"][:1],
        }
    return detail


def _shrink_reason(detail: dict[str, Any], step: int) -> dict[str, Any]:
    return {key: _cut(value) if isinstance(value, str) else value for key, value in detail.items()}


def _cut(text: str) -> str:
    return text if len(text) <= REASON_MAX_CHARS else text[: REASON_MAX_CHARS - 1] + "…"


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _bus(policy: SharePolicy) -> str | None:
    return policy.notifications.event_bus_arn if policy.notifications is not None else None


def _arn(value: Any) -> str | None:
    """``value`` when it has an ARN's shape (what EventBridge's ``Resources`` hold), else None."""
    return value if ids.matches(_ANY_ARN, value, 1600) else None


_ANY_ARN = re.compile(r"arn:[a-z0-9-]{1,32}:[a-z0-9-]{1,64}:[a-z0-9-]*:([0-9]{12}|aws)?:[!-~]{1,1400}", re.ASCII)


def _sanitized(node: Any) -> Any:
    """``node`` with every string (keys included) through ``redact_text``; a non-finite number is null (JSON has
    none)."""
    if isinstance(node, float) and not math.isfinite(node):
        return None
    if isinstance(node, str):
        return redact_text(node)
    if isinstance(node, Mapping):
        return {redact_text(str(key)): _sanitized(value) for key, value in node.items()}
    if isinstance(node, list | tuple):
        return [_sanitized(value) for value in node]
    return node
