"""SageMaker wire format: model-card operations accept card ARNs, including other accounts' cards."""
from __future__ import annotations

from moto.core.responses import ActionResult, EmptyResult
from moto.sagemaker.exceptions import ResourceNotFound
from moto.sagemaker.models import sagemaker_backends
from moto.sagemaker.responses import SageMakerResponse

from mcgov.emulator.ram.models import access_allowed
from mcgov.emulator.sagemaker.exceptions import AccessDeniedException
from mcgov.emulator.sagemaker.models import EmulatorSageMakerBackend, parse_card_ref


class EmulatorSageMakerResponse(SageMakerResponse):
    """Resolves ModelCardName (name or ARN) to the owning account's backend, enforcing RAM shares.

    A card ARN of another account is usable only while an ACTIVE RAM share owned by that account
    has both the caller (PRINCIPAL) and the card (RESOURCE) ASSOCIATED, and the share's permission
    allows the action. Otherwise: the card does not exist -> ResourceNotFound; it exists but is not
    shared with the caller, or the permission lacks the action -> AccessDeniedException (what
    SageMaker returns for a cross-account call no resource policy allows).
    """

    def card_backend(self, action: str) -> tuple[EmulatorSageMakerBackend, str]:
        """(backend owning the referenced card, card name), after the cross-account check."""
        ref = self._get_param("ModelCardName")
        account, region, name = parse_card_ref(ref)
        owner = account or self.current_account
        backend = sagemaker_backends[owner][region or self.region]
        if owner == self.current_account:
            return backend, name  # type: ignore[return-value]
        if name not in backend.model_cards:
            raise ResourceNotFound(f"Modelcard {ref} does not exist.")
        shared, permitted = access_allowed(region or self.region, ref, owner, self.current_account, f"sagemaker:{action}")
        if not permitted:
            reason = (
                "the share's permission does not allow this action" if shared
                else "no ACTIVE RAM share owned by the card's account has both this account and the card ASSOCIATED"
            )
            raise AccessDeniedException(
                f"User: arn:aws:iam::{self.current_account}:root is not authorized to perform: "
                f"sagemaker:{action} on resource: {ref} because {reason}. Share the card with "
                "AWS RAM (permission AWSRAMPermissionSageMakerModelCards) and wait for ASSOCIATED."
            )
        return backend, name  # type: ignore[return-value]

    def describe_model_card(self) -> ActionResult:
        backend, name = self.card_backend("DescribeModelCard")
        return ActionResult(backend.describe_model_card(name, self._get_param("ModelCardVersion")))

    def update_model_card(self) -> ActionResult:
        backend, name = self.card_backend("UpdateModelCard")
        arn = backend.update_model_card(
            model_card_name=name, content=self._get_param("Content"),
            model_card_status=self._get_param("ModelCardStatus"),
        )
        return ActionResult({"ModelCardArn": arn})

    def list_model_card_versions(self) -> ActionResult:
        backend, name = self.card_backend("ListModelCardVersions")
        versions, next_token = backend.list_model_card_versions(
            creation_time_after=self._get_param("CreationTimeAfter"),
            creation_time_before=self._get_param("CreationTimeBefore"),
            max_results=self._get_param("MaxResults"),
            model_card_name=name,
            model_card_status=self._get_param("ModelCardStatus"),
            next_token=self._get_param("NextToken"),
            sort_by=self._get_param("SortBy"),
            sort_order=self._get_param("SortOrder"),
        )
        return ActionResult(
            {"ModelCardVersionSummaryList": [v.version_summary() for v in versions], "NextToken": next_token}
        )

    def delete_model_card(self) -> ActionResult:
        _, region, name = parse_card_ref(self._get_param("ModelCardName"))
        account = parse_card_ref(self._get_param("ModelCardName"))[0] or self.current_account
        if account != self.current_account:
            raise AccessDeniedException(
                f"User: arn:aws:iam::{self.current_account}:root is not authorized to perform: "
                "sagemaker:DeleteModelCard on another account's model card; delete it from its owner account."
            )
        sagemaker_backends[account][region or self.region].delete_model_card(name)
        return EmptyResult()

    def send_pipeline_execution_step_success(self) -> ActionResult:
        backend = sagemaker_backends[self.current_account][self.region]
        arn = backend.send_pipeline_callback(self._get_param("CallbackToken"), "success",
                                             outputs=self._get_param("OutputParameters"))
        return ActionResult({"PipelineExecutionArn": arn})

    def send_pipeline_execution_step_failure(self) -> ActionResult:
        backend = sagemaker_backends[self.current_account][self.region]
        arn = backend.send_pipeline_callback(self._get_param("CallbackToken"), "failure",
                                             reason=self._get_param("FailureReason"))
        return ActionResult({"PipelineExecutionArn": arn})
