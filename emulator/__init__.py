"""Emulated AWS for model-card-governance: moto 5.2.5 plus what the project needs from RAM,
SageMaker model cards and Lambda.

Usage in tests or scripts::

    from mcgov.emulator import Emulator, EmulatorConfig

    cfg = EmulatorConfig(region="us-east-1", card_account="111111111111",
                         accounts={"staging": "222222222222", "prod": "333333333333"},
                         organization_accounts=None,      # None: every account above is in the org
                         associate_after_polls=1, associate_after_seconds=None,
                         invitation_ttl_seconds=12 * 3600)
    with Emulator(cfg) as emu:                   # fake credentials + patches + moto's mock_aws()
        card = emu.session("111111111111")       # boto3.Session acting as that account ("staging" works too)
        ram = card.client("ram")
        emu.fail_association(principal="222222222222", message="SCP denied")  # inject FAILED
        emu.clock.advance(3600)                  # emulator clock: association delays, invitation expiry
        emu.set_association_delay(polls=3)       # or seconds=30 (both None: immediately)
        emu.register_lambda_handler("populate-card", handler)  # handler(event, context) runs in-process
        emu.api_calls                            # [(account, service, operation), ...] of every request, S3 too
        emu.events.log("default", account="card")  # events that entered a bus (RAM state changes, PutEvents)
        emu.events.deliveries()                  # every delivery to a rule's or a schedule's target
        emu.events.configure(drop_rate=0.2, delay_seconds=5, seed=1)  # RAM events: best effort

With pytest, the ``emulator`` fixture (plus ``card_session``, ``staging_session``, ``prod_session``)
comes from ``mcgov.emulator.pytest_plugin``. For CLI runs, ``python -m mcgov.emulator.server --port 5000`` serves
the same behaviour at ``AWS_ENDPOINT_URL=http://127.0.0.1:5000`` (see ``mcgov.emulator.server``).

What differs from plain moto
----------------------------
RAM
  * ``sagemaker:ModelCard`` ARNs can be shared; ``list_resource_types``/``list_permissions`` include
    ``sagemaker:ModelCard`` and ``arn:aws:ram::aws:permission/AWSRAMPermissionSageMakerModelCards``
    (actions DescribeModelCard, ListModelCardVersions, UpdateModelCard) and ...AllowExport.
  * ``create_permission`` (customer-managed; actions from the policyTemplate), ``get_permission``,
    ``list_resource_share_permissions``, ``associate_resource_share_permission``; shares created
    without ``permissionArns`` get the resource type's default AWS-managed permission.
  * ``clientToken`` idempotency on create/update/delete share, associate/disassociate,
    accept/reject invitation and create_permission (same token + same parameters: same response;
    different parameters: IdempotentParameterMismatchException).
  * ``get_resource_shares`` honours resourceOwner (SELF / OTHER-ACCOUNTS), name, tagFilters,
    resourceShareStatus, resourceShareArns, permissionArn and paginates (maxResults/nextToken).
  * Associations start ASSOCIATING. Each time ``get_resource_share_associations`` returns a row counts
    as one poll; the row reports ASSOCIATED once ``associate_after_polls`` earlier polls saw it
    ASSOCIATING (default 1: the first poll sees ASSOCIATING, the second ASSOCIATED) or once
    ``associate_after_seconds`` emulator-clock seconds passed. ``fail_association`` makes matching
    ASSOCIATING rows FAILED with that statusMessage. ``associationStatus`` filters rows, never rewrites.
  * ``disassociate_resource_share`` answers DISASSOCIATING, later reads show DISASSOCIATED; associating
    again restarts the lifecycle. ``delete_resource_share`` sets DELETED and disassociates everything.
  * Principals outside ``organization_accounts``: with allowExternalPrincipals=false RAM refuses with
    OperationNotPermittedException ("...can only be shared within your AWS Organization..."); with
    true the account gets a PENDING invitation (``get_resource_share_invitations`` from its session)
    and the association stays ASSOCIATING until ``accept_resource_share_invitation`` (-> ASSOCIATED)
    or ``reject_resource_share_invitation`` (-> REJECTED, association DISASSOCIATED). Invitations
    not answered within ``invitation_ttl_seconds`` (12 h) become EXPIRED and the principal DISASSOCIATED.
  * ``list_resources`` for SELF and OTHER-ACCOUNTS.
SageMaker model cards
  * Describe/Update/ListModelCardVersions accept the card ARN. Another account's card is readable
    only while an ACTIVE share of the owner has the caller and the card ASSOCIATED (and updatable
    only if the share's permission allows sagemaker:UpdateModelCard); otherwise
    AccessDeniedException (ResourceNotFound if the card does not exist).
  * Updates keep what is not given; each effective change makes version N+1; Archived cards refuse
    content updates (ValidationException); names must match ``^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$``;
    content must be a JSON object string of at most 100,000 characters that matches the published
    model-card JSON schema (``sagemaker/schema/``, checked by the emulator's own validator).
SageMaker pipelines and model packages
  * ``SendPipelineExecutionStepSuccess``/``Failure`` (absent from moto) complete a CallbackStep token once;
    ``Emulator.pipeline_callbacks(account)`` lists what was sent. Versioned model packages can be tagged.
EventBridge, EventBridge Scheduler, DynamoDB TTL (``emulator.events``; docs/emulator.md, "Events, schedules and TTL")
  * Association status changes put ``aws.ram`` "Resource Sharing State Change" events on the owner's and the
    principal's default bus; rules deliver matching events (patterns checked as AWS does) to Lambda handlers, SQS,
    SNS, Step Functions and buses; schedules fire; all on the emulator clock, which stops at every due time.
  * Expired DynamoDB items stay until ``configure(ttl_deletion_after_seconds=...)`` or ``delete_expired_items()``.
Lambda / Step Functions
  * ``register_lambda_handler`` makes ``lambda.invoke`` (and Step Functions Task states, which moto
    executes for real inside the emulator) run the Python callable; exceptions become
    FunctionError "Unhandled" with errorMessage/errorType.
"""

from __future__ import annotations

from mcgov.emulator.config import Clock, EmulatorConfig
from mcgov.emulator.core import Emulator, active_emulator
from mcgov.emulator.exceptions import (
    EmulatorAlreadyStartedError,
    EmulatorConfigError,
    EmulatorError,
    EmulatorNotStartedError,
    HandlerRegistrationError,
)
from mcgov.emulator.state import LambdaHandler

__all__ = [
    "Clock",
    "Emulator",
    "EmulatorAlreadyStartedError",
    "EmulatorConfig",
    "EmulatorConfigError",
    "EmulatorError",
    "EmulatorNotStartedError",
    "HandlerRegistrationError",
    "register_lambda_handler",
]


def register_lambda_handler(function_name_or_arn: str, handler: LambdaHandler) -> str:
    """Register an in-process handler on the running emulator (see ``Emulator.register_lambda_handler``)."""
    emu = active_emulator()
    if emu is None:
        raise EmulatorNotStartedError(
            "No emulator is running; start one (`with Emulator(cfg) as emu:`) before registering handlers."
        )
    return emu.register_lambda_handler(function_name_or_arn, handler)
