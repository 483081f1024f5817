"""The "Resource Sharing State Change" events RAM sends to EventBridge when an association changes status.

What AWS documents, and the emulator sends:

* source ``aws.ram``, detail-type ``Resource Sharing State Change``, delivered to the default event bus on a best
  effort basis (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ram.html);
* to both the owner of the resource share and the principals granted access, and a ``detail`` with
  ``"event": "Resource Share Association"`` and a lower-case ``status`` (the example rule matches
  ``"status": ["failed"]``) (https://docs.aws.amazon.com/ram/latest/userguide/using-eventbridge.html);
* the common top-level fields of every event (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html).

AWS documents no other field of the detail. With ``EventsConfig.ram_detail == "full"`` (the default) the emulator
adds the association's fields under the names RAM's API gives them (``resourceShareArn``, ``resourceShareName``,
``associationType``, ``associatedEntity``, ``statusMessage``; botocore shape ``ResourceShareAssociation``) and puts
the share ARN (and, for a resource association, the resource ARN) in ``resources``. With ``"documented"`` the detail
holds ``event`` and ``status`` only and ``resources`` is empty: a consumer must then treat the event as a hint that
something changed and read the associations itself.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from mcgov.emulator.events.envelope import make_event
from mcgov.emulator.events.models import publish
from mcgov.emulator.ram.arns import principal_account
from mcgov.emulator.ram.associations import Association
from mcgov.emulator.ram.exceptions import InvalidParameterException
from mcgov.emulator.state import EmulatorState

SOURCE = "aws.ram"
DETAIL_TYPE = "Resource Sharing State Change"
ASSOCIATION_EVENT = "Resource Share Association"


def detail_of(assoc: Association, shape: str) -> dict[str, Any]:
    """The event's ``detail`` for an association in its current status."""
    detail: dict[str, Any] = {"event": ASSOCIATION_EVENT, "status": assoc.status.lower()}
    if shape == "full":
        detail.update(
            resourceShareArn=assoc.share_arn,
            resourceShareName=assoc.share_name,
            associationType=assoc.association_type,
            associatedEntity=assoc.entity,
        )
        if assoc.status_message:
            detail["statusMessage"] = assoc.status_message
    return detail


def recipients(assoc: Association) -> list[str]:
    """The accounts that hear about the change: the share's owner, and the principal's account for a principal."""
    owner = assoc.share_arn.split(":")[4]
    accounts = [owner]
    if assoc.association_type == "PRINCIPAL":
        try:
            account = principal_account(assoc.entity)
        except InvalidParameterException:
            account = None
        if account is not None and account != owner:
            accounts.append(account)
    return accounts


def announce(assoc: Association, state: EmulatorState) -> None:
    """Emit the state-change event of ``assoc`` to each recipient's default bus (best effort: ``EventHub``)."""
    hub = state.events
    shape = hub.config.ram_detail
    region = assoc.share_arn.split(":")[3]
    resources = [assoc.share_arn] + ([assoc.entity] if assoc.association_type == "RESOURCE" else [])
    for account in recipients(assoc):
        event = make_event(
            source=SOURCE,
            detail_type=DETAIL_TYPE,
            detail=detail_of(assoc, shape),
            account=account,
            region=region,
            time=assoc.last_updated_time,
            resources=resources if shape == "full" else [],
        )
        hub.emit_service_event(
            account,
            region,
            event,
            partial(publish, account, region, "default", event),
        )
