"""Step Functions state machine of the organisation-scale hub sync: a Distributed Map over the policy's spokes.

ListSpokes (Lambda ``hub_sync.list_spokes``: the spokes come from the deploy-time policy, never from the input)
-> SyncSpokes, a Map in DISTRIBUTED mode: one child workflow execution per spoke (STANDARD), at most
``max_concurrency`` at a time; each child runs SyncSpoke (Lambda ``hub_sync.handler``, one spoke), retries Lambda
service errors and ``RetryableHandlerFailure`` (throttling, 5xx) with backoff, and catches any other failure
into a ``{"spoke", "failed": true, "error", "cause"}`` record, so one spoke never fails the others. The Map writes the
children's results to S3 (``ResultWriter``: ``<bucket>/hub-sync/<map run id>/``; a Map's output in the execution
is capped at 256 KiB, which one report per card passes at about a thousand cards), and the execution's output is a
summary: the spokes, the Map Run and where its results are.

Plain ASL (the stepfunctions SDK 2.3.0 has no ItemProcessor); moto's engine runs it as it is (see
docs/hub-and-spoke.md for where it differs from AWS). What ships is the ASL this module builds (``make asl`` writes
``mcgov/steps/workflow/hub.asl.json``, read by ``mcgov.steps.workflow.definition.hub_definition``).
"""

from __future__ import annotations

from typing import Any

from mcgov.pipelines.workflow import RETRYABLE_LAMBDA_ERRORS
from mcgov.steps.handlers.runtime import RETRYABLE_ERROR_NAMES
from mcgov.steps.workflow.definition import (
    HUB_RESULTS_PREFIX,
    HubWorkflowSettings,
    hub_lambda_arn,
    hub_results_bucket,
)

RETRYABLE_SPOKE_ERRORS = list(RETRYABLE_ERROR_NAMES)  # the handlers' retryable failure, named where it is defined


def _invoke(function: str, payload: dict[str, Any], timeout: int, intervals: tuple[int, int]) -> dict[str, Any]:
    return {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "TimeoutSeconds": timeout,
        "Parameters": {"FunctionName": function, **payload},
        "ResultSelector": {"result.$": "$.Payload"},
        "Retry": [
            {
                "ErrorEquals": RETRYABLE_LAMBDA_ERRORS,
                "IntervalSeconds": intervals[0],
                "MaxAttempts": 6,
                "BackoffRate": 2.0,
            },
            {
                "ErrorEquals": RETRYABLE_SPOKE_ERRORS,
                "IntervalSeconds": intervals[1],
                "MaxAttempts": 3,
                "BackoffRate": 2.0,
            },
        ],
    }


def build_hub_definition(
    sync_arn: str | None = None,
    spokes_arn: str | None = None,
    settings: HubWorkflowSettings | None = None,
    results_bucket: str | None = None,
) -> dict[str, Any]:
    """ASL of the hub sync (no AWS call); None ARNs (bucket) give ``${HubSyncFunctionArn}``-style substitutions.

    Execution input (optional): ``{"prune": bool, "dry_run": bool}``. Output: ``{"spokes": [...], "map_run_arn": ...,
    "results": {"Bucket", "Key"}}``: the manifest of the Map's result files in S3 (one record per spoke: its sync
    report, or its failure record).
    """
    cfg = settings or HubWorkflowSettings()
    intervals = cfg.retry_intervals()
    sync_task = _invoke(
        hub_lambda_arn("sync", sync_arn),
        {"Payload": {"spoke.$": "$.spoke", "prune.$": "$.prune", "dry_run.$": "$.dry_run"}},
        cfg.task_timeout_seconds,
        intervals,
    )
    sync_task["Catch"] = [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "SpokeFailed"}]
    sync_task["End"] = True
    list_task = _invoke(hub_lambda_arn("spokes", spokes_arn), {"Payload": {}}, 60, intervals)
    list_task.update({"ResultPath": "$.listed", "Next": "SyncSpokes"})
    return {
        "Comment": "Hub sync: one child execution per spoke of the hub-and-spoke policy, failures collected",
        "StartAt": "Defaults",
        "States": {
            "Defaults": {
                "Type": "Pass",
                "Parameters": {"prune": False, "dry_run": False},
                "ResultPath": "$.defaults",
                "Next": "Options",
            },
            "Options": {
                "Type": "Pass",
                "Parameters": {"options.$": "States.JsonMerge($.defaults, $, false)"},
                "OutputPath": "$.options",
                "Next": "ListSpokes",
            },
            "ListSpokes": list_task,
            "SyncSpokes": {
                "Type": "Map",
                "ItemsPath": "$.listed.result.spokes",
                "MaxConcurrency": cfg.max_concurrency,
                "ItemSelector": {"spoke.$": "$$.Map.Item.Value", "prune.$": "$.prune", "dry_run.$": "$.dry_run"},
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "SyncSpoke",
                    "States": {
                        "SyncSpoke": sync_task,
                        "SpokeFailed": {
                            "Type": "Pass",
                            "End": True,
                            "Parameters": {
                                "spoke.$": "$.spoke",
                                "failed": True,
                                "error.$": "$.error.Error",
                                "cause.$": "$.error.Cause",
                            },
                        },
                    },
                },
                "ResultWriter": {
                    "Resource": "arn:aws:states:::s3:putObject",
                    "Parameters": {"Bucket": hub_results_bucket(results_bucket), "Prefix": HUB_RESULTS_PREFIX},
                },
                "ResultPath": "$.synced",
                "Next": "Report",
            },
            "Report": {
                "Type": "Pass",
                "End": True,
                "Parameters": {
                    "spokes.$": "$.listed.result.spokes",
                    "map_run_arn.$": "$.synced.MapRunArn",
                    "results.$": "$.synced.ResultWriterDetails",
                },
            },
        },
    }
