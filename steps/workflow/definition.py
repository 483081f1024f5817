"""The Step Functions definitions (ASL) as shipped, loaded with their Lambda ARNs and settings; no SDK needed.

``governance.asl.json`` (populate -> share -> gate loop) and ``hub.asl.json`` (the hub sync's Distributed Map) are
package data, authored in ``mcgov.pipelines.workflow`` (with the stepfunctions SDK) and
``mcgov.pipelines.hub_workflow`` and written by ``make asl``; a test in the v2 venv regenerates them and compares.
The files hold the default settings and ``${Name}`` substitution variables (CloudFormation's
``DefinitionSubstitutions``); the loaders set every value a setting or an ARN decides, so a definition loaded with
some settings equals the one the authoring code builds with them (the same test checks it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from mcgov.identifiers import LAMBDA_ARN, matches
from mcgov.steps.workflow.exceptions import InvalidLambdaArnError, InvalidWorkflowSettingError

GOVERNANCE_FILE = "governance.asl.json"
HUB_FILE = "hub.asl.json"

LAMBDA_RETRY_INTERVAL_SECONDS = 2
"""Default IntervalSeconds of the Retry on Lambda service errors (throttling, 5xx of Lambda itself)."""
HANDLER_RETRY_INTERVAL_SECONDS = 5
"""Default IntervalSeconds of the Retry on the handlers' ``RetryableHandlerFailure`` (throttling, 5xx, network)."""
LAMBDA_SERVICE_ERROR = "Lambda.ServiceException"
"""Names the Retry on Lambda service errors (every other Retry is on the handlers' retryable failure)."""

TASK_OUTPUTS = {
    "PopulateCard": ("populate", ("card_arn", "card_version", "content_sha256", "result")),
    "ShareCard": ("share", ("card_arn", "shares", "drift")),
    "CheckGate": (
        "gate",
        (
            "allowed",
            "status",
            "reason",
            "reasons",
            "next_check_seconds",
            "shares",
            "waiting_since",
            "card_arn",
            "stage",
        ),
    ),
}
"""Governance Task states: where the output goes (``$.<key>``, also the key of its Lambda) and the keys later
states read."""
ROLE_SUBSTITUTIONS = {"populate": "PopulateFunctionArn", "share": "ShareFunctionArn", "gate": "GateFunctionArn"}
HUB_SUBSTITUTIONS = {"sync": "HubSyncFunctionArn", "spokes": "HubListSpokesFunctionArn"}
HUB_RESULTS_SUBSTITUTION = "HubResultsBucket"
"""The DefinitionSubstitutions variable of the bucket the hub Map's ResultWriter writes to."""
HUB_RESULTS_PREFIX = "hub-sync"
"""The ResultWriter's prefix: each Map Run writes ``hub-sync/<map run id>/manifest.json`` and its result files."""
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", re.ASCII)
_SUBSTITUTION = re.compile(r"\$\{[A-Za-z0-9]+\}", re.ASCII)


def _check_ints(checks: tuple[tuple[str, Any, int, int], ...]) -> None:
    for name, value, low, high in checks:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise InvalidWorkflowSettingError(f"{name}={value!r} must be an int in {low}..{high}.")


def _check_retry_interval(value: int | None) -> None:
    if value is not None:
        _check_ints((("retry_interval_seconds", value, 1, 3600),))


@dataclass(frozen=True)
class WorkflowLambdas:
    """Function ARNs (or ``${Name}`` CloudFormation substitution variables) of the three Task states."""

    populate: str
    share: str
    gate: str

    def __post_init__(self) -> None:
        for field in ("populate", self.populate), ("share", self.share), ("gate", self.gate):
            if not (matches(LAMBDA_ARN, field[1]) or matches(_SUBSTITUTION, field[1])):
                raise InvalidLambdaArnError(
                    f"workflow lambda {field[0]}={field[1]!r} is neither a Lambda function ARN nor a ${{Name}} "
                    "substitution variable; pass the governance stack's function ARNs."
                )

    @classmethod
    def substitutions(cls) -> WorkflowLambdas:
        """``${PopulateFunctionArn}``-style variables (``AWS::StepFunctions::StateMachine`` DefinitionSubstitutions)."""
        return cls(**{k: "${" + v + "}" for k, v in ROLE_SUBSTITUTIONS.items()})

    @classmethod
    def coerce(cls, value: WorkflowLambdas | Mapping[str, str] | None) -> WorkflowLambdas:
        """Accept an instance, a mapping with populate/share/gate, or None (substitution variables)."""
        if value is None:
            return cls.substitutions()
        if isinstance(value, WorkflowLambdas):
            return value
        missing = {"populate", "share", "gate"} - set(value)
        if missing:
            raise InvalidLambdaArnError(f"workflow lambda ARNs miss {sorted(missing)}; pass populate, share and gate.")
        return cls(populate=value["populate"], share=value["share"], gate=value["gate"])


@dataclass(frozen=True)
class WorkflowSettings:
    """Polling, timeout and retry settings of the governance workflow.

    The task timeouts outlast the stack's functions by 30 s (populate and share: 270 s, gate: 600 s, the gate's
    timeout being a pipeline Lambda step's): a function that runs out of time fails with its own error, and Step
    Functions never abandons a call that is still running (which a retry would then run twice).

    The gate decides how long to wait before each check (``next_check_seconds``, its poll schedule);
    ``max_wait_seconds`` caps it (at least 1 s: a task's timeout). ``retry_interval_seconds`` is the IntervalSeconds
    of every Task's Retry; None keeps the defaults (``LAMBDA_RETRY_INTERVAL_SECONDS``,
    ``HANDLER_RETRY_INTERVAL_SECONDS``). Tests and local runs on moto set 1 and a wait cap of 0: moto waits out
    Retry intervals and timeouts in real time.
    """

    max_wait_seconds: int = 300
    max_attempts: int = 40
    task_timeout_seconds: int = 300
    gate_task_timeout_seconds: int = 630
    retry_interval_seconds: int | None = None

    def __post_init__(self) -> None:
        _check_ints(
            (
                ("max_wait_seconds", self.max_wait_seconds, 0, 86400),
                ("max_attempts", self.max_attempts, 1, 10000),
                ("task_timeout_seconds", self.task_timeout_seconds, 1, 900),
                ("gate_task_timeout_seconds", self.gate_task_timeout_seconds, 1, 900),
            )
        )
        _check_retry_interval(self.retry_interval_seconds)

    def retry_intervals(self) -> tuple[int, int]:
        """IntervalSeconds of the Retry on Lambda service errors and of the Retry on the handlers' failure."""
        return retry_intervals(self.retry_interval_seconds)


@dataclass(frozen=True)
class HubWorkflowSettings:
    """Bounded concurrency, the per-spoke task timeout and the Retry interval (as in ``WorkflowSettings``)."""

    max_concurrency: int = 10
    task_timeout_seconds: int = 900
    retry_interval_seconds: int | None = None

    def __post_init__(self) -> None:
        _check_ints(
            (
                ("max_concurrency", self.max_concurrency, 1, 1000),
                ("task_timeout_seconds", self.task_timeout_seconds, 1, 900),
            )
        )
        _check_retry_interval(self.retry_interval_seconds)

    def retry_intervals(self) -> tuple[int, int]:
        """IntervalSeconds of the Retry on Lambda service errors and of the Retry on the handlers' failure."""
        return retry_intervals(self.retry_interval_seconds)


def retry_intervals(setting: int | None) -> tuple[int, int]:
    """(Lambda service errors, handler failure) Retry intervals for a ``retry_interval_seconds`` setting."""
    if setting is None:
        return LAMBDA_RETRY_INTERVAL_SECONDS, HANDLER_RETRY_INTERVAL_SECONDS
    return setting, setting


def hub_lambda_arn(name: str, value: str | None) -> str:
    """The hub workflow's ``sync``/``spokes`` function: a Lambda ARN, or None for its ``${Name}`` variable."""
    if value is None:
        return "${" + HUB_SUBSTITUTIONS[name] + "}"
    if not matches(LAMBDA_ARN, value):
        raise InvalidLambdaArnError(
            f"hub workflow lambda {name}={value!r} is not a Lambda function ARN; pass the stack's function ARN."
        )
    return value


def hub_results_bucket(value: str | None) -> str:
    """The bucket of the hub Map's results: an S3 bucket name, or None for ``${HubResultsBucket}``."""
    if value is None:
        return "${" + HUB_RESULTS_SUBSTITUTION + "}"
    if not isinstance(value, str) or not _BUCKET.fullmatch(value) or ".." in value:
        raise InvalidWorkflowSettingError(
            "hub results bucket is not an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens); pass the "
            "bucket the hub state machine writes its Map results to."
        )
    return value


@cache
def packaged_text(name: str) -> str:
    """The text of a packaged definition file (``GOVERNANCE_FILE`` or ``HUB_FILE``), as written by ``make asl``."""
    return resources.files("mcgov.steps.workflow").joinpath(name).read_text(encoding="utf-8")


def _set_retry_intervals(task: dict[str, Any], intervals: tuple[int, int]) -> None:
    lambda_interval, handler_interval = intervals
    for retrier in task["Retry"]:
        retrier["IntervalSeconds"] = (
            lambda_interval if LAMBDA_SERVICE_ERROR in retrier["ErrorEquals"] else handler_interval
        )


def governance_definition(
    lambda_arns: WorkflowLambdas | Mapping[str, str] | None = None, settings: WorkflowSettings | None = None
) -> dict[str, Any]:
    """The governance workflow's ASL with ``lambda_arns`` (None: ``${PopulateFunctionArn}``-style variables).

    Execution input: ``{"card": <populate_card event>, "stage": "<stage>"}``.
    """
    arns = WorkflowLambdas.coerce(lambda_arns)
    cfg = settings or WorkflowSettings()
    asl: dict[str, Any] = json.loads(packaged_text(GOVERNANCE_FILE))
    states = asl["States"]
    intervals = cfg.retry_intervals()
    for state_id, (key, _) in TASK_OUTPUTS.items():
        task = states[state_id]
        task["Parameters"]["FunctionName"] = getattr(arns, key)
        task["TimeoutSeconds"] = cfg.gate_task_timeout_seconds if key == "gate" else cfg.task_timeout_seconds
        _set_retry_intervals(task, intervals)
    states["CheckGate"]["Parameters"]["Payload"]["max_wait_seconds"] = cfg.max_wait_seconds
    event_wait = states["WaitForGateEvent"]
    event_wait["Parameters"]["FunctionName"] = arns.gate
    _set_retry_intervals(event_wait, intervals)
    [attempts] = [c for c in states["GateDecision"]["Choices"] if "NumericGreaterThanEquals" in c]
    attempts["NumericGreaterThanEquals"] = cfg.max_attempts
    states["GateTimedOut"]["Comment"] = timed_out_comment(cfg.max_attempts)
    return asl


def timed_out_comment(max_attempts: int) -> str:
    """Comment of the GateTimedOut state (the authoring code writes the same)."""
    return f"Still PENDING after {max_attempts} checks."


def hub_definition(
    sync_arn: str | None = None,
    spokes_arn: str | None = None,
    settings: HubWorkflowSettings | None = None,
    results_bucket: str | None = None,
) -> dict[str, Any]:
    """The hub sync's ASL; None ARNs (bucket) give ``${HubSyncFunctionArn}``-style substitution variables.

    Execution input (optional): ``{"prune": bool, "dry_run": bool}``. Output, a summary whatever the number of cards:
    ``{"spokes": [...], "map_run_arn": ..., "results": {"Bucket": ..., "Key": ".../manifest.json"}}``; the manifest
    lists the result files (one record per spoke: its sync report, or its failure record).
    """
    cfg = settings or HubWorkflowSettings()
    asl: dict[str, Any] = json.loads(packaged_text(HUB_FILE))
    intervals = cfg.retry_intervals()
    listing = asl["States"]["ListSpokes"]
    listing["Parameters"]["FunctionName"] = hub_lambda_arn("spokes", spokes_arn)
    _set_retry_intervals(listing, intervals)
    spokes = asl["States"]["SyncSpokes"]
    spokes["MaxConcurrency"] = cfg.max_concurrency
    spokes["ResultWriter"]["Parameters"]["Bucket"] = hub_results_bucket(results_bucket)
    sync = spokes["ItemProcessor"]["States"]["SyncSpoke"]
    sync["Parameters"]["FunctionName"] = hub_lambda_arn("sync", sync_arn)
    sync["TimeoutSeconds"] = cfg.task_timeout_seconds
    _set_retry_intervals(sync, intervals)
    return asl


def definition_json(definition: Mapping[str, Any], indent: int | None = 2) -> str:
    """A definition as JSON text with sorted keys (what ``mcgov workflow definition`` prints)."""
    return json.dumps(definition, indent=indent, sort_keys=True)
