"""Reusable SageMaker Pipelines step factories: populate card -> share -> gate -> (approve, opt-in) or fail.

Written once for the SageMaker Python SDK v3 (``sagemaker.mlops.workflow``) and v2 (``sagemaker.workflow``):
``mcgov.pipelines.sdk`` supplies the classes of the installed one, and both render the same definition.
Add governance to an existing pipeline::

    from mcgov.pipelines.governance import GovernanceLambdas, governance_steps

    lambdas = GovernanceLambdas.from_prefix("arn:aws:lambda:eu-west-1:111122223333:function:mcgov-")
    steps = governance_steps(
        card_name="churn-model",
        training_step=step_train,
        evaluation_s3_uris=[evaluation_json_uri],
        register_step=step_register,
        stage="staging",
        lambda_arns=lambdas,
        evaluation_step=step_eval,
    )
    pipeline = Pipeline(name=..., steps=[step_train, step_eval, step_register, *steps])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mcgov.errors import BadInputError
from mcgov.identifiers import LAMBDA_ARN, matches
from mcgov.pipelines import sdk
from mcgov.pipelines.exceptions import InvalidGateModeError, InvalidGateWaitError, MissingCallbackQueueError
from mcgov.pipelines.session import pipeline_session
from mcgov.steps.gate.callback import CALLBACK_OUTPUTS
from mcgov.steps.workflow.exceptions import InvalidLambdaArnError

if TYPE_CHECKING:
    Step = Any  # a pipeline step of the installed SDK (v3: sagemaker.mlops.workflow.steps.Step)
    PipelineSession = Any  # the installed SDK's PipelineSession

GATE_MODES = ("lambda", "callback")
GATE_MAX_WAIT_SECONDS = 540
"""A SageMaker Pipelines Lambda step times out after 10 minutes; keep the gate's own wait below that."""


HANDLER_SUFFIXES = {
    "populate": "populate-card",
    "share": "share-card",
    "gate": "check-gate",
    "approve": "approve-model-package",
}


@dataclass(frozen=True)
class GovernanceLambdas:
    """ARNs of the deployed governance Lambdas (see steps/stack/governance.yaml outputs)."""

    populate: str
    share: str
    gate: str
    approve: str | None = None

    def __post_init__(self) -> None:
        for field, arn in (
            ("populate", self.populate),
            ("share", self.share),
            ("gate", self.gate),
            ("approve", self.approve),
        ):
            if arn is None and field == "approve":
                continue
            if not matches(LAMBDA_ARN, arn):
                raise InvalidLambdaArnError(
                    f"GovernanceLambdas.{field}={arn!r} is not a Lambda function ARN; pass the "
                    f"'{field.capitalize()}FunctionArn' output of the governance stack "
                    "(arn:aws:lambda:<region>:<account>:function:<name>)."
                )

    @classmethod
    def from_prefix(cls, arn_prefix: str, with_approve: bool = True) -> GovernanceLambdas:
        """ARNs named ``<arn_prefix><suffix>`` as deployed by governance.yaml (``...:function:<stack>-``)."""
        return cls(
            populate=arn_prefix + HANDLER_SUFFIXES["populate"],
            share=arn_prefix + HANDLER_SUFFIXES["share"],
            gate=arn_prefix + HANDLER_SUFFIXES["gate"],
            approve=arn_prefix + HANDLER_SUFFIXES["approve"] if with_approve else None,
        )

    @property
    def region(self) -> str:
        """Region of the populate Lambda (all functions live in the pipeline's region)."""
        return self.populate.split(":")[3]


def placeholder_lambdas(region: str, account: str = "000000000000", prefix: str = "mcgov-") -> GovernanceLambdas:
    """Syntactically valid ARNs for rendering a definition offline; replace them before running."""
    return GovernanceLambdas.from_prefix(f"arn:aws:lambda:{region}:{account}:function:{prefix}")


def governance_steps(
    card_name: Any,
    training_step: Step,
    evaluation_s3_uris: Sequence[Any],
    register_step: Any = None,
    stage: Any = "staging",
    lambda_arns: GovernanceLambdas | None = None,
    *,
    evaluation_step: Step | None = None,
    evaluation_format: Any = None,
    template_uri: Any = None,
    gate_mode: str = "lambda",
    gate_wait_seconds: int = 300,
    callback_queue_url: Any = None,
    name_prefix: str = "Governance",
    embed_card: bool | None = None,
    approve_package: bool = False,
    sagemaker_session: PipelineSession | None = None,
) -> list[Step]:
    """Return the governance steps to append to a pipeline's step list.

    ``populate`` reads the training job and evaluation reports (so it runs after both), ``share`` takes the
    card ARN from ``populate``, the gate takes it from ``share`` (and, given ``register_step``, checks that the
    package is the card's for the stage and its group share, and records the decision in its ModelLifeCycle; the
    card is embedded in the package unless ``embed_card=False``, since the gate accepts no package without it),
    and a ConditionStep on the gate decision's ``allowed`` fails with the gate's ``reason`` when it blocks. The
    pipeline does not approve the model package: in a SageMaker Projects seed-code flow that approval is the human
    act that starts deployment.
    ``approve_package=True`` opts in to a step that sets the registered package to Approved once the gate allowed
    (it needs ``register_step`` and ``lambda_arns.approve``). ``gate_mode="callback"`` replaces the gate LambdaStep
    with a CallbackStep handled by the gate watcher (long waits); its success means the gate allowed, and its
    outputs are ``mcgov.steps.gate.callback.CALLBACK_OUTPUTS``, the list the watcher sends. Optional inputs left as
    None (``evaluation_format``, ``template_uri``, no ``register_step``) are omitted, never passed to the Lambda as
    null. ``SdkUnavailableError`` when no supported SageMaker Python SDK is installed.
    """
    if lambda_arns is None:
        raise InvalidLambdaArnError(
            "governance_steps needs lambda_arns=GovernanceLambdas(populate=..., share=..., gate=...); "
            "take them from the governance stack outputs."
        )
    if gate_mode not in GATE_MODES:
        raise InvalidGateModeError(f"gate_mode={gate_mode!r} is not supported; use one of {', '.join(GATE_MODES)}.")
    if gate_mode == "lambda" and not (
        isinstance(gate_wait_seconds, int) and 0 <= gate_wait_seconds <= GATE_MAX_WAIT_SECONDS
    ):
        raise InvalidGateWaitError(
            f"gate_wait_seconds={gate_wait_seconds!r} must be an int in 0..{GATE_MAX_WAIT_SECONDS} (a Lambda step "
            "times out after 10 minutes); for longer waits use gate_mode='callback'."
        )
    if gate_mode == "callback" and not callback_queue_url:
        raise MissingCallbackQueueError(
            "gate_mode='callback' needs callback_queue_url: pass the 'GateCallbackQueueUrl' output of the governance "
            "stack."
        )
    if approve_package and register_step is None:
        raise BadInputError("approve_package=True needs register_step, the step that registers the model package.")
    if approve_package and not lambda_arns.approve:
        raise InvalidLambdaArnError(
            "approve_package=True needs GovernanceLambdas.approve: pass the 'ApproveFunctionArn' output of the "
            "governance stack (GovernanceLambdas.from_prefix sets it)."
        )

    # The package gate and the approval guard accept a package only with the card embedded in it (its binding to
    # the card: mcgov.steps.registry.binding), so a registered package gets the card unless the caller says not to.
    embed = register_step is not None if embed_card is None else embed_card
    kit = sdk.load()
    LambdaStep, LambdaOutputTypeEnum = kit.LambdaStep, kit.LambdaOutputTypeEnum
    session = sagemaker_session or pipeline_session(lambda_arns.region)

    def _lambda(arn: str) -> Any:
        return kit.Lambda(function_arn=arn, session=session)

    def _out(name: str, kind: Any = LambdaOutputTypeEnum.String) -> Any:
        return kit.LambdaOutput(output_name=name, output_type=kind)

    optional_inputs = {
        "evaluation_format": evaluation_format,
        "template_uri": template_uri,
        "model_package_arn": register_step.properties.ModelPackageArn if register_step is not None else None,
    }
    populate_inputs: dict[str, Any] = {
        "card_name": card_name,
        "training_job_name": training_step.properties.TrainingJobName,
        "evaluation_uris": list(evaluation_s3_uris),
        "pipeline_execution_arn": kit.ExecutionVariables.PIPELINE_EXECUTION_ARN,
        **({"embed": True} if embed and register_step is not None else {}),  # the card inside the package
        **{name: value for name, value in optional_inputs.items() if value is not None},  # never null: omit it
    }
    populate = LambdaStep(
        name=f"{name_prefix}PopulateCard",
        display_name="Populate model card",
        description="Fill the SageMaker model card from the training job and evaluation reports.",
        lambda_func=_lambda(lambda_arns.populate),
        inputs=populate_inputs,
        outputs=[
            _out("card_arn"),
            _out("card_version", LambdaOutputTypeEnum.Integer),
            _out("content_sha256"),
            _out("result"),
        ],
        depends_on=[s for s in (training_step, evaluation_step) if s is not None],
    )
    share = LambdaStep(
        name=f"{name_prefix}ShareCard",
        display_name="Share model card",
        description="Share the card with the accounts of the deploy-time share policy (AWS RAM).",
        lambda_func=_lambda(lambda_arns.share),
        inputs={"card_arn": populate.properties.Outputs["card_arn"]},
        outputs=[_out("card_arn")],
    )
    card_arn_from_share = share.properties.Outputs["card_arn"]
    if gate_mode == "lambda":
        gate: Step = LambdaStep(
            name=f"{name_prefix}CheckGate",
            display_name="Check share gate",
            description="Allow promotion only when every share association of the stage is ASSOCIATED.",
            lambda_func=_lambda(lambda_arns.gate),
            inputs={
                "card_arn": card_arn_from_share,
                "stage": stage,
                "wait_seconds": gate_wait_seconds,
                # with a package the gate also checks its group share and records ModelLifeCycle
                **(
                    {"model_package_arn": register_step.properties.ModelPackageArn} if register_step is not None else {}
                ),
            },
            outputs=[_out("allowed", LambdaOutputTypeEnum.Boolean), _out("status"), _out("reason")],
        )
    else:
        gate = kit.CallbackStep(
            name=f"{name_prefix}WaitForGate",
            display_name="Wait for share gate",
            description="The gate watcher resumes this step when the stage's shares are ASSOCIATED.",
            sqs_queue_url=callback_queue_url,
            inputs={"card_arn": card_arn_from_share, "stage": stage},
            outputs=[
                kit.CallbackOutput(output_name=o.name, output_type=kit.CallbackOutputTypeEnum[o.output_type])
                for o in CALLBACK_OUTPUTS
            ],
        )

    approve_steps: list[Step] = []
    if approve_package:
        approve_steps.append(
            LambdaStep(
                name=f"{name_prefix}ApproveModelPackage",
                display_name="Approve model package",
                description="Set the registered model package to Approved once the gate allowed it.",
                lambda_func=_lambda(str(lambda_arns.approve)),
                inputs={
                    "model_package_arn": register_step.properties.ModelPackageArn,
                    "card_arn": card_arn_from_share,
                    "stage": stage,
                },
                outputs=[_out("model_package_arn"), _out("approval_status")],
                depends_on=[gate] if gate_mode == "callback" else None,
            )
        )
    if gate_mode == "callback":
        return [populate, share, gate, *approve_steps]

    fail = kit.FailStep(
        name=f"{name_prefix}GateBlocked",
        error_message=kit.Join(
            on=": ", values=["Promotion blocked by the model-card share gate", gate.properties.Outputs["reason"]]
        ),
    )
    condition = kit.ConditionStep(
        name=f"{name_prefix}GateAllowed",
        display_name="Gate allowed?",
        conditions=[kit.ConditionEquals(left=gate.properties.Outputs["allowed"], right=True)],
        if_steps=approve_steps,
        else_steps=[fail],
    )
    return [populate, share, gate, condition]
