"""SDK v3 first, v2 still working: one definition whichever SDK renders it, and one clear error when none is usable.

Runs in both venvs (``make test``: v3, ``make test-v2``: v2). Each renders the churn example and compares it with
``tests/data/churn-definition.json``; equal to the same file under both SDKs means the SDKs render the same pipeline.
``normalise`` takes out only what legitimately differs, each with its reason. Regenerate the file (after a deliberate
change of the example) with ``python -m tests.test_pipeline_sdk``.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.test_pipeline_definition import LAMBDAS
from tests.test_pipeline_support import all_steps, churn_definition

GOLDEN = Path(__file__).resolve().parent / "data" / "churn-definition.json"
RENDER = {"lambda_arns": LAMBDAS, "include_preprocessing": True, "approve_package": True}
"""The render compared: every step kind of the example (processing, training, registration, Lambda, condition, fail)."""


def normalise(definition: dict[str, Any]) -> dict[str, Any]:
    """``definition`` without what the two SDKs write differently for the same pipeline.

    * Top-level keys whose value is null: v3's Pipeline always writes ``"MlflowConfig": null`` (no MLflow
      configuration), v2 has no such key.
    * A training job's ``OutputDataConfig.CompressionType`` of ``GZIP``: the CreateTrainingJob default (botocore's
      model: "Defaults to gzip"); v3's ModelTrainer always writes it, v2's Estimator never does.
    * A training job's ``ProfilerConfig`` of ``{"DisableProfiler": true}``: SageMaker profiles a job only through a
      ProfilerConfig it is given; v2's Estimator always sends one (here the disabled one), v3's ModelTrainer none.
    """
    out = copy.deepcopy({k: v for k, v in definition.items() if v is not None})
    for step in all_steps(out):
        if step["Type"] != "Training":
            continue
        arguments = step["Arguments"]
        if arguments.get("OutputDataConfig", {}).get("CompressionType") == "GZIP":
            del arguments["OutputDataConfig"]["CompressionType"]
        if arguments.get("ProfilerConfig") == {"DisableProfiler": True}:
            del arguments["ProfilerConfig"]
    return out


def test_the_churn_example_renders_the_same_definition_under_sdk_v3_and_v2() -> None:
    from mcgov.pipelines import sdk

    rendered = normalise(churn_definition(**RENDER))
    expected = json.loads(GOLDEN.read_text())
    assert rendered == expected, f"sagemaker {sdk.load().version} renders another definition than {GOLDEN.name}"


def test_normalise_takes_out_only_the_named_differences() -> None:
    training = {
        "Name": "T",
        "Type": "Training",
        "Arguments": {
            "OutputDataConfig": {"S3OutputPath": "s3://b/o", "CompressionType": "GZIP"},
            "ProfilerConfig": {"DisableProfiler": True},
        },
    }
    v3 = {"MlflowConfig": None, "Version": "2020-12-01", "Steps": [training]}
    assert normalise(v3) == {
        "Version": "2020-12-01",
        "Steps": [{"Name": "T", "Type": "Training", "Arguments": {"OutputDataConfig": {"S3OutputPath": "s3://b/o"}}}],
    }
    kept = copy.deepcopy(training)
    kept["Arguments"]["OutputDataConfig"]["CompressionType"] = "NONE"
    kept["Arguments"]["ProfilerConfig"] = {"DisableProfiler": False, "S3OutputPath": "s3://b/p"}
    assert normalise({"MlflowConfig": {"MlflowResourceArn": "arn"}, "Steps": [kept]}) == {
        "MlflowConfig": {"MlflowResourceArn": "arn"},
        "Steps": [kept],
    }


def test_the_installed_sdk_is_the_one_loaded() -> None:
    from mcgov.pipelines import sdk

    loaded = sdk.load()
    assert loaded.version == sdk.installed_version()
    assert loaded.major == int(loaded.version.split(".")[0])
    expected_module = "sagemaker.mlops.workflow" if loaded.major >= 3 else "sagemaker.workflow"
    assert loaded.LambdaStep.__module__.startswith(expected_module)


@pytest.fixture
def fake_sdk(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``mcgov.pipelines.sdk`` with a fresh cache (and restored afterwards), to fake what is installed."""
    from mcgov.pipelines import sdk

    sdk.load.cache_clear()
    yield sdk
    sdk.load.cache_clear()


@pytest.mark.parametrize(
    ("version", "said"),
    [
        (None, "the SageMaker Python SDK (sagemaker) is not installed"),
        ("2.100.0", "sagemaker 2.100.0 is installed, which mcgov does not support"),
        ("1.72.0", "sagemaker 1.72.0 is installed, which mcgov does not support"),
    ],
)
def test_no_usable_sdk_is_one_error_naming_the_version_found(
    fake_sdk: Any, monkeypatch: pytest.MonkeyPatch, version: str | None, said: str
) -> None:
    from mcgov.pipelines.exceptions import SdkUnavailableError

    monkeypatch.setattr(fake_sdk, "installed_version", lambda: version)
    with pytest.raises(SdkUnavailableError, match=re.escape(said)) as caught:
        fake_sdk.load()
    assert "[pipelines]" in str(caught.value) and "[pipelines-v2]" in str(caught.value)


def test_an_sdk_whose_workflow_classes_do_not_import_is_named_with_the_missing_module(
    fake_sdk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mcgov.pipelines.exceptions import SdkUnavailableError

    def broken(version: str, major: int) -> Any:
        raise ModuleNotFoundError("No module named 'sagemaker.lambda_helper'", name="sagemaker.lambda_helper")

    monkeypatch.setattr(fake_sdk, "installed_version", lambda: "3.27.0")
    monkeypatch.setattr(fake_sdk, "_classes", broken)
    with pytest.raises(SdkUnavailableError, match=r"sagemaker 3\.27\.0 .* \(missing sagemaker\.lambda_helper\)"):
        fake_sdk.load()


def test_the_cli_reports_no_usable_sdk_on_one_line_with_exit_2(
    fake_sdk: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from mcgov.steps.cli.main import main

    monkeypatch.setattr(fake_sdk, "installed_version", lambda: "2.100.0")
    code = main(["pipeline", "definition", "--module-name", "mcgov.pipelines.churn.pipeline", "--region", "eu-west-1"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("mcgov: error: sagemaker 2.100.0 is installed") and err.count("\n") == 1


if __name__ == "__main__":
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text(json.dumps(normalise(churn_definition(**RENDER)), indent=2, sort_keys=True) + "\n")
    print(f"wrote {GOLDEN}")
