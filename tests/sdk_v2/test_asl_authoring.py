"""The shipped governance ASL is what the stepfunctions SDK authors (run in .venv-v2 by ``make test-v2``).

The package data is generated (``make asl``) with the default settings and ``${Name}`` variables, and the loader sets
what ARNs and settings decide: for several of them, the loaded definition equals the SDK's.
"""

from __future__ import annotations

import logging

import pytest

from mcgov.pipelines.asl_files import AUTHORS, package_dir, render, stale
from mcgov.pipelines.workflow import build_workflow_definition
from mcgov.steps.workflow.definition import GOVERNANCE_FILE, WorkflowSettings, governance_definition, packaged_text

ARNS = {
    "populate": "arn:aws:lambda:eu-west-1:123456789012:function:gov-populate-card",
    "share": "arn:aws:lambda:eu-west-1:123456789012:function:gov-share-card",
    "gate": "arn:aws:lambda:eu-west-1:123456789012:function:gov-check-gate",
}


def test_this_venv_holds_sdk_v2_and_the_stepfunctions_sdk() -> None:
    from mcgov.pipelines import sdk
    from mcgov.pipelines._sfn_compat import load_stepfunctions

    assert sdk.load().major == 2
    assert load_stepfunctions().__version__ == "2.3.0"


def test_the_shipped_files_are_what_the_authoring_code_renders() -> None:
    assert set(AUTHORS) == {p.name for p in package_dir().glob("*.asl.json")}
    assert stale(package_dir()) == {}, "run make asl"
    assert packaged_text(GOVERNANCE_FILE) == render(build_workflow_definition())


@pytest.mark.parametrize(
    ("arns", "settings"),
    [
        (ARNS, WorkflowSettings()),
        (None, WorkflowSettings(max_wait_seconds=0, max_attempts=3, retry_interval_seconds=1)),
        (
            ARNS,
            WorkflowSettings(
                max_wait_seconds=61,
                max_attempts=9,
                task_timeout_seconds=30,
                gate_task_timeout_seconds=11,
                retry_interval_seconds=3,
            ),
        ),
    ],
)
def test_loading_with_settings_gives_what_the_sdk_builds_with_them(
    settings: WorkflowSettings, arns: dict[str, str] | None
) -> None:
    assert governance_definition(arns, settings) == build_workflow_definition(arns, settings)


def test_a_stale_file_is_reported(tmp_path) -> None:
    (tmp_path / GOVERNANCE_FILE).write_text(
        render(build_workflow_definition(settings=WorkflowSettings(max_attempts=2)))
    )
    assert set(stale(tmp_path)) == {tmp_path / name for name in AUTHORS}


def test_importing_the_sdk_leaves_the_root_logger_alone() -> None:
    from mcgov.pipelines._sfn_compat import load_stepfunctions

    level = logging.getLogger().level
    assert load_stepfunctions().__version__ == "2.3.0"
    assert logging.getLogger().level == level
