"""Waiting gates, registered for the event path: the record's rules and its DynamoDB table (adapter).

A gate still PENDING records itself, so that a RAM "Resource Sharing State Change" event or the scheduled re-check
can finish it (``mcgov.steps.gate.wakeup``): the card, the stage, the shares it waits on and its completion handle
(a Step Functions task token of ``.waitForTaskToken``, or a SageMaker pipeline CallbackStep token).

The table (the stack's ``GateRegistrationsTable``): partition key ``share_arn``, sort key ``gate_id``, one item per
share the gate waits on, so the shares an event names are read with Query. ``expires_at`` (epoch seconds) is the
table's TTL attribute; DynamoDB deletes expired items up to days later, so every read skips them itself. A gate
registers again at each of its polls (the same ``gate_id``: the item is overwritten, its TTL pushed back; a read
keeps a gate's latest registration), and the registration that completes a gate deletes every one of its items
(those still holding its token). Items are validated when written and again when read (``parse_item``); a read
item that fails the rules is reported, never acted on.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from mcgov import identifiers as ids
from mcgov.errors import BadInputError
from mcgov.share_policies.models import SharePolicy
from mcgov.steps.common.aws import AwsFailure, aws_errors
from mcgov.steps.common.exceptions import AwsCallError

TTL_SECONDS = 86_400
"""A registration lives at most this long after its last write; each poll of the gate writes it again. A task
token's lives until its task times out (the next poll), when Step Functions no longer accepts it."""
MAX_SHARES = 10
SHARE_ARN = re.compile(
    rf"arn:(?P<partition>{ids.PARTITION}):ram:(?P<region>[a-z]{{2}}(?:-[a-z]+)+-[0-9]{{1,2}}):(?P<account>[0-9]{{12}})"
    r":resource-share/[0-9a-fA-F-]{1,64}",
    re.ASCII,
)
EXECUTION_ARN = re.compile(
    rf"arn:(?P<partition>{ids.PARTITION}):states:(?P<region>[a-z]{{2}}(?:-[a-z]+)+-[0-9]{{1,2}}):(?P<account>[0-9]{{12}})"
    r":execution:[A-Za-z0-9_-]{1,80}:[A-Za-z0-9_-]{1,80}",
    re.ASCII,
)
TASK_TOKEN = re.compile(r"[\x21-\x7e]{1,2048}", re.ASCII)  # botocore: 1-2048 characters; printable ASCII, no space
CALLBACK_TOKEN = re.compile(r"[a-zA-Z0-9]{10}", re.ASCII)  # botocore SendPipelineExecutionStepSuccess CallbackToken


class HandleKind(StrEnum):
    """How a waiting gate is completed."""

    TASK_TOKEN = "task-token"  # Step Functions .waitForTaskToken: SendTaskSuccess / SendTaskFailure
    PIPELINE_CALLBACK = "pipeline-callback"  # SageMaker CallbackStep: SendPipelineExecutionStepSuccess / Failure


@dataclass(frozen=True)
class Handle:
    """A completion handle. ``waiter`` names the waiting gate across its registrations: the Step Functions execution
    ARN (a new task token at each wait) or, for a CallbackStep, its token (the same at each SQS delivery)."""

    kind: HandleKind
    token: str
    waiter: str

    def __repr__(self) -> str:  # a token completes someone's step: never printed
        return f"Handle(kind={self.kind.value!r}, waiter=<{len(self.waiter)} chars>)"


@dataclass(frozen=True)
class Registration:
    """One waiting gate. ``anchor``: when its first pending association was created (epoch seconds; None when RAM
    gave no time), the anchor of its poll schedule (``mcgov.steps.gate.schedule``)."""

    card_arn: str
    stage: str
    share_arns: tuple[str, ...]
    handle: Handle
    anchor: float | None
    registered_at: float
    expires_at: int

    @property
    def gate_id(self) -> str:
        """The sort key: the same for every registration of one waiting gate (kind, waiter, card, stage)."""
        key = "|".join((self.handle.kind.value, self.handle.waiter, self.card_arn, self.stage))
        return hashlib.sha256(key.encode()).hexdigest()[:40]

    def items(self) -> list[dict[str, dict[str, Any]]]:
        """The DynamoDB items (one per share), in the low-level attribute-value form."""
        common: dict[str, dict[str, Any]] = {
            "gate_id": {"S": self.gate_id},
            "card_arn": {"S": self.card_arn},
            "stage": {"S": self.stage},
            "shares": {"SS": list(self.share_arns)},
            "handle_kind": {"S": self.handle.kind.value},
            "token": {"S": self.handle.token},
            "waiter": {"S": self.handle.waiter},
            "registered_at": {"N": _number(self.registered_at)},
            "expires_at": {"N": str(self.expires_at)},
        }
        if self.anchor is not None:
            common["anchor"] = {"N": _number(self.anchor)}
        return [{"share_arn": {"S": arn}, **common} for arn in self.share_arns]


def registration(
    policy: SharePolicy,
    *,
    card_arn: str,
    stage: str,
    share_arns: Sequence[str],
    handle: Handle,
    anchor: float | None,
    now: float,
    ttl_seconds: int = TTL_SECONDS,
    source: str = "registration",
) -> Registration:
    """A checked ``Registration``: the card in the policy's account and region, a stage of the policy, 1 to
    ``MAX_SHARES`` RAM share ARNs of the card account, a token of its kind's format and a waiter that fits it.
    It expires ``ttl_seconds`` after ``now`` (a task token: when its task times out, the token is dead).
    ``BadInputError`` names the field (never the value)."""
    card = policy.card_arn(card_arn, source=source, field="card_arn")
    resolved = policy.stage(stage, source=f"{source}.stage")
    shares = tuple(dict.fromkeys(share_arns)) if isinstance(share_arns, (list, tuple)) else ()
    if not 1 <= len(shares) <= MAX_SHARES:
        raise BadInputError(
            f"a waiting gate names 1 to {MAX_SHARES} RAM shares; re-run the gate", source=source, field="share_arns"
        )
    card_match = ids.parse_card_arn(card)
    assert card_match is not None  # policy.card_arn returned it
    for arn in shares:
        match = SHARE_ARN.fullmatch(arn) if isinstance(arn, str) else None
        if match is None or (match["account"], match["region"]) != (card_match["account"], card_match["region"]):
            raise BadInputError(
                "not a RAM resource-share ARN of the card's account and region", source=source, field="share_arns"
            )
    _check_handle(handle, card_match, source)
    if anchor is not None and not (isinstance(anchor, (int, float)) and math.isfinite(anchor)):
        raise BadInputError("not a time in epoch seconds", source=source, field="anchor")
    return Registration(
        card_arn=card,
        stage=resolved.name,
        share_arns=shares,
        handle=handle,
        anchor=float(anchor) if anchor is not None else None,
        registered_at=float(now),
        expires_at=math.ceil(now + min(max(1, ttl_seconds), TTL_SECONDS)),
    )


def _check_handle(handle: Handle, card: re.Match[str], source: str) -> None:
    if not isinstance(handle, Handle) or not isinstance(handle.kind, HandleKind):
        raise BadInputError("not a completion handle", source=source, field="handle")
    if handle.kind is HandleKind.TASK_TOKEN:
        if not ids.matches(TASK_TOKEN, handle.token):
            raise BadInputError(
                "not a Step Functions task token (1-2048 printable characters)", source=source, field="task_token"
            )
        execution = EXECUTION_ARN.fullmatch(handle.waiter) if isinstance(handle.waiter, str) else None
        if execution is None or (execution["account"], execution["region"]) != (card["account"], card["region"]):
            raise BadInputError(
                "not a Step Functions execution ARN of the card's account and region (pass $$.Execution.Id)",
                source=source,
                field="execution_arn",
            )
    elif not ids.matches(CALLBACK_TOKEN, handle.token) or handle.waiter != handle.token:
        raise BadInputError("not a pipeline CallbackStep token (10 letters or digits)", source=source, field="token")


def parse_item(policy: SharePolicy, item: Mapping[str, Any]) -> Registration:
    """The ``Registration`` of a stored item, checked by the rules of ``registration``; ``BadInputError`` otherwise."""
    try:
        handle = Handle(HandleKind(_s(item, "handle_kind")), _s(item, "token"), _s(item, "waiter"))
        anchor = float(item["anchor"]["N"]) if "anchor" in item else None
        shares = item["shares"]["SS"]
        registered_at = float(item["registered_at"]["N"])
        expires_at = int(item["expires_at"]["N"])
    except (KeyError, TypeError, ValueError):
        raise BadInputError("a stored waiting gate lacks a field or has a wrong type", source="registration") from None
    checked = registration(
        policy,
        card_arn=_s(item, "card_arn"),
        stage=_s(item, "stage"),
        share_arns=sorted(shares) if isinstance(shares, list) else [],
        handle=handle,
        anchor=anchor,
        now=registered_at,
    )
    return Registration(
        card_arn=checked.card_arn,
        stage=checked.stage,
        share_arns=checked.share_arns,
        handle=checked.handle,
        anchor=checked.anchor,
        registered_at=checked.registered_at,
        expires_at=expires_at,
    )


def _s(item: Mapping[str, Any], name: str) -> str:
    value = item[name]["S"]
    if not isinstance(value, str):
        raise TypeError(name)
    return value


def _number(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Unreadable:
    """A stored item the rules refuse (its keys, and why); the watcher reports it and leaves it to the TTL."""

    share_arn: str
    gate_id: str
    reason: str


class RegistrationStore:
    """The registrations table through a low-level DynamoDB client; failures become ``AwsCallError``."""

    def __init__(self, dynamodb: Any, table: str) -> None:
        self.dynamodb = dynamodb
        self.table = table

    def put(self, record: Registration) -> None:
        """Write (or overwrite: idempotent) every item of ``record``."""
        for item in record.items():
            with _errors("PutItem"):
                self.dynamodb.put_item(TableName=self.table, Item=item)

    def delete(self, record: Registration) -> None:
        """Delete every item of ``record``: those that still hold its token. An item the gate's next registration
        overwrote (a new task token) is not ``record``'s; a missing item is no error."""
        for arn in record.share_arns:
            try:
                with _errors("DeleteItem"):
                    self.dynamodb.delete_item(
                        TableName=self.table,
                        Key={"share_arn": {"S": arn}, "gate_id": {"S": record.gate_id}},
                        ConditionExpression="#token = :token",
                        ExpressionAttributeNames={"#token": "token"},
                        ExpressionAttributeValues={":token": {"S": record.handle.token}},
                    )
            except AwsCallError as exc:
                if not (isinstance(exc.failure, AwsFailure) and exc.failure.code == "ConditionalCheckFailedException"):
                    raise

    def for_shares(
        self, policy: SharePolicy, share_arns: Iterable[str], now: float
    ) -> tuple[list[Registration], list[Unreadable]]:
        """The unexpired registrations waiting on any of ``share_arns`` (Query per share), each gate once (its
        latest)."""
        items: list[dict[str, Any]] = []
        for arn in dict.fromkeys(share_arns):
            items.extend(
                self._pages(
                    "Query",
                    KeyConditionExpression="share_arn = :share",
                    FilterExpression="expires_at > :now",
                    ExpressionAttributeValues={":share": {"S": arn}, ":now": {"N": str(int(now))}},
                )
            )
        return _parsed(policy, items)

    def all(self, policy: SharePolicy, now: float) -> tuple[list[Registration], list[Unreadable]]:
        """Every unexpired registration of the table (Scan), each gate once."""
        items = self._pages(
            "Scan", FilterExpression="expires_at > :now", ExpressionAttributeValues={":now": {"N": str(int(now))}}
        )
        return _parsed(policy, items)

    def _pages(self, operation: str, **kwargs: Any) -> list[dict[str, Any]]:
        method = getattr(self.dynamodb, operation.lower())
        items: list[dict[str, Any]] = []
        while True:
            with _errors(operation):
                page = method(TableName=self.table, **kwargs)
            items.extend(page.get("Items", []))
            if not page.get("LastEvaluatedKey"):
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _parsed(policy: SharePolicy, items: Iterable[Mapping[str, Any]]) -> tuple[list[Registration], list[Unreadable]]:
    found: dict[str, Registration] = {}
    unreadable: list[Unreadable] = []
    for item in items:
        try:
            record = parse_item(policy, item)
        except BadInputError as exc:
            unreadable.append(Unreadable(_key(item, "share_arn"), _key(item, "gate_id"), str(exc)))
            continue
        kept = found.get(record.gate_id)
        if kept is None or record.registered_at > kept.registered_at:
            found[record.gate_id] = record  # a gate's latest registration: its earlier ones may hold a dead token
    return list(found.values()), unreadable


def _key(item: Mapping[str, Any], name: str) -> str:
    value = item.get(name)
    text = value.get("S") if isinstance(value, dict) else None
    return text if isinstance(text, str) else ""


def _errors(operation: str) -> AbstractContextManager[None]:
    return aws_errors(
        "dynamodb",
        operation,
        lambda failure: AwsCallError(
            f"DynamoDB {operation} on the gate registrations table failed: {failure.text}; {failure.hint}",
            failure=failure,
        ),
    )
