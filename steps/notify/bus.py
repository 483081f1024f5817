"""Put notification events (``mcgov.steps.notify.entries``) with an EventBridge client; a failure is returned.

A notification never changes what it reports: a PutEvents call that raises (denied, throttled after botocore's
retries, unreachable) or answers ``FailedEntryCount`` > 0 comes back as a ``Delivery`` naming how many events were
not put and why (the error codes and messages, without the values AWS quotes), for the caller to log and count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from mcgov.steps.common.aws import aws_failure
from mcgov.steps.notify.entries import Entry, batches

OPERATION = "PutEvents"


@dataclass(frozen=True)
class Delivery:
    """What a ``put_events`` did: ``sent`` events accepted, ``failed`` not, ``problem`` one line saying why."""

    sent: int = 0
    failed: int = 0
    problem: str = ""


def put_events(events: Any, entries: Sequence[Entry]) -> Delivery:
    """Put ``entries`` with the EventBridge client ``events`` (in requests of at most 10 entries and 256 KiB)."""
    sent, failed, problems = 0, 0, []
    for batch in batches(entries):
        try:
            answer = events.put_events(Entries=[entry.request() for entry in batch])
        except (ClientError, BotoCoreError) as exc:
            failure = aws_failure(exc, "events", OPERATION)
            assert failure is not None
            failed += len(batch)
            problems.append(f"{failure.text}; {failure.hint}")
            continue
        results = answer.get("Entries") if isinstance(answer, dict) else None
        results = results if isinstance(results, list) else []
        errors = [r for r in results if isinstance(r, dict) and r.get("ErrorCode")]
        count = answer.get("FailedEntryCount") if isinstance(answer, dict) else None
        not_put = max(len(errors), count if isinstance(count, int) else 0)
        if not_put:
            failed += min(not_put, len(batch))
            codes = sorted({f"{e.get('ErrorCode')}: {_one_line(e.get('ErrorMessage'))}" for e in errors})
            problems.append(f"{not_put} entr{'y' if not_put == 1 else 'ies'} refused ({'; '.join(codes) or 'no code'})")
        sent += len(batch) - min(not_put, len(batch))
    problem = f"{OPERATION} did not put {failed} of {len(entries)} event(s): {' | '.join(problems)}" if failed else ""
    return Delivery(sent=sent, failed=failed, problem=problem)


def _one_line(message: Any) -> str:
    return " ".join(str(message or "").split())
