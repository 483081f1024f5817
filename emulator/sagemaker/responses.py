"""SageMaker wire format: model-card operations accept card ARNs, including other accounts' cards.

Parameter and member names are botocore's ``sagemaker/2017-07-24/service-2.json`` shapes
(``DescribeModelCardResponse``, ``ModelCardNameOrArn``, ``ModelCardArn``).
"""

from __future__ import annotations

import re
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.sagemaker.exceptions import ResourceNotFound, ValidationError
from moto.sagemaker.models import FakeModelCard, sagemaker_backends
from moto.sagemaker.responses import SageMakerResponse

from mcgov.emulator.iam.enforce import caller_of
from mcgov.emulator.ram.models import access_allowed
from mcgov.emulator.sagemaker.exceptions import AccessDeniedException
from mcgov.emulator.sagemaker.models import EmulatorSageMakerBackend
from mcgov.emulator.sagemaker.packages import check_lifecycle, check_model_card

PACKAGE_ARN = re.compile(
    r"^arn:aws[a-z\-]*:sagemaker:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"model-package(?P<kind>-group)?/(?P<group>[^/]+)(?:/(?P<version>\d+))?$",
    re.ASCII,
)
CARD_ARN = re.compile(
    r"^arn:aws[a-z\-]*:sagemaker:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):model-card/(?P<name>[^/]+)$", re.ASCII
)
# Both are used with fullmatch: ``$`` alone accepts a trailing newline, which SageMaker refuses.


def parse_card_ref(ref: str) -> tuple[str | None, str | None, str]:
    """(account, region, name) of a model-card name or ARN; account/region are None for names."""
    match = CARD_ARN.fullmatch(ref or "")
    if match:
        return match.group("account"), match.group("region"), match.group("name")
    return None, None, ref


def backend_of(account: str, region: str, ref: str) -> EmulatorSageMakerBackend:
    """The SageMaker backend of ``account`` in ``region`` (taken from the ARN ``ref``); an ARN naming a region
    SageMaker does not have is refused as SageMaker refuses a malformed ARN (not a server error)."""
    regional = sagemaker_backends[account]
    if region not in regional:
        raise ValidationError(f"Value '{ref}' is not a valid ARN: {region} is not a SageMaker region.")
    return regional[region]  # type: ignore[return-value]


def card_json(card: FakeModelCard) -> dict[str, Any]:
    """DescribeModelCardResponse of one version; LastModifiedTime is that version's modification time.

    ``CreatedBy`` and ``LastModifiedBy`` are ``UserContext`` objects naming no writer: the API reference documents
    their ``IamIdentity`` for "model package groups, model packages and project entities only"
    (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UserContext.html), and the user profile fields
    are a Studio user's (the "Model card state change" event example of the EventBridge page), which the emulator
    has none of. An IAM writer of a card, a consumer account's included, is therefore never identified."""
    out = {**card.describe(), "LastModifiedTime": card.last_modified_time, "CreatedBy": {}, "LastModifiedBy": {}}
    return {k: v for k, v in out.items() if v is not None}


def _permission_for(action: str) -> str:
    """The AWS-managed RAM permission that grants ``action`` on a model card."""
    return (
        "AWSRAMPermissionSageMakerModelCardsAllowExport"
        if "ExportJob" in action
        else "AWSRAMPermissionSageMakerModelCards"
    )


class EmulatorSageMakerResponse(SageMakerResponse):
    """Resolves ModelCardName (name or ARN) to the owning account's backend, enforcing RAM shares.

    A card ARN of another account is usable only while an ACTIVE RAM share owned by that account
    has both the caller (PRINCIPAL) and the card (RESOURCE) ASSOCIATED, and the share's permission
    allows the action. Otherwise: the card does not exist -> ResourceNotFound; it exists but is not
    shared with the caller, or the permission lacks the action -> AccessDeniedException (what
    SageMaker returns for a cross-account call no resource policy allows).
    """

    def own_backend(self) -> EmulatorSageMakerBackend:
        """The caller's SageMaker backend in the request's region."""
        return sagemaker_backends[self.current_account][self.region]  # type: ignore[return-value]

    def card_backend(self, action: str) -> tuple[EmulatorSageMakerBackend, str]:
        """(backend owning the referenced card, card name), after the cross-account check."""
        return self.shared_card_backend(self._get_param("ModelCardName"), action)

    def shared_card_backend(self, ref: str, action: str) -> tuple[EmulatorSageMakerBackend, str]:
        """(backend owning the card named or ARN'd by ``ref``, card name), after the cross-account check."""
        account, region, name = parse_card_ref(ref)
        owner = account or self.current_account
        backend = backend_of(owner, region or self.region, ref)
        if owner == self.current_account:
            return backend, name
        if name not in backend.model_cards:
            raise ResourceNotFound(f"Modelcard {ref} does not exist.")
        access = access_allowed(region or self.region, ref, owner, self.current_account, f"sagemaker:{action}")
        if not access.permitted:
            reason = (
                "the share's permission does not allow this action"
                if access.shared
                else "no ACTIVE RAM share owned by the card's account has both this account and the card ASSOCIATED"
            )
            raise AccessDeniedException(
                f"User: arn:aws:iam::{self.current_account}:root is not authorized to perform: "
                f"sagemaker:{action} on resource: {ref} because {reason}. Share the card with "
                f"AWS RAM (permission {_permission_for(action)}) and wait for ASSOCIATED."
            )
        return backend, name

    def describe_model_card(self) -> ActionResult:
        backend, name = self.card_backend("DescribeModelCard")
        return ActionResult(card_json(backend.card_version(name, self._get_param("ModelCardVersion"))))

    def update_model_card(self) -> ActionResult:
        backend, name = self.card_backend("UpdateModelCard")
        arn = backend.update_model_card(
            model_card_name=name,
            content=self._get_param("Content"),
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
        account, region, name = parse_card_ref(self._get_param("ModelCardName"))
        owner = account or self.current_account
        if owner != self.current_account:
            raise AccessDeniedException(
                f"User: arn:aws:iam::{self.current_account}:root is not authorized to perform: "
                "sagemaker:DeleteModelCard on another account's model card; delete it from its owner account."
            )
        backend_of(owner, region or self.region, self._get_param("ModelCardName")).delete_model_card(name)
        return EmptyResult()

    def search(self) -> ActionResult:
        """Search(Resource=ModelCard) answers with this account's cards (``search_model_cards``); a
        SearchExpression or a cross-account search of model cards is refused rather than answered wrongly.
        Other resources are moto's."""
        if self._get_param("Resource") != "ModelCard":
            return super().search()
        if self._get_param("SearchExpression") or self._get_param("CrossAccountFilterOption") == "CrossAccount":
            raise ValidationError(
                "The emulator searches model cards of the caller's account without a SearchExpression only."
            )
        records, next_token = self.own_backend().search_model_cards(
            self._get_param("SortOrder"), self._get_param("MaxResults"), self._get_param("NextToken")
        )
        return ActionResult({"Results": records, **({"NextToken": next_token} if next_token else {})})

    def _own_tagged_resource(self, action: str) -> None:
        """Tag calls on another account's resource are refused: RAM's model-card permissions grant no tagging
        (their actions are Describe/List/Update/Export), and no other resource policy exists."""
        arn = self._get_param("ResourceArn") or ""
        owner = arn.split(":")[4] if arn.count(":") >= 5 else ""  # an ARN's account field, card or not
        if owner not in ("", self.current_account):
            raise AccessDeniedException(
                f"User: arn:aws:iam::{self.current_account}:root is not authorized to perform: sagemaker:{action} "
                f"on resource: {arn}; only the owner account can tag it."
            )

    def add_tags(self) -> ActionResult:
        self._own_tagged_resource("AddTags")
        return super().add_tags()

    def list_tags(self) -> ActionResult:
        self._own_tagged_resource("ListTags")
        return super().list_tags()

    def delete_tags(self) -> ActionResult:
        self._own_tagged_resource("DeleteTags")
        return super().delete_tags()

    def package_backend(self, param: str, action: str) -> EmulatorSageMakerBackend:
        """The backend owning the model package (group) named by ``param``; another account's only by ARN and
        only while an ACTIVE RAM share of its model package group has the caller and the group ASSOCIATED (and
        the share's permission allows ``action``); otherwise AccessDeniedException."""
        ref = self._get_param(param) or ""
        match = PACKAGE_ARN.fullmatch(ref)
        if not match or match.group("account") == self.current_account:
            return self.own_backend()
        owner, region = match.group("account"), match.group("region")
        backend = backend_of(owner, region, ref)
        group_arn = f"{ref.split(':model-package')[0]}:model-package-group/{match.group('group')}"
        access = access_allowed(region, group_arn, owner, self.current_account, f"sagemaker:{action}")
        if not access.permitted:
            reason = (
                "the share's permission does not allow this action"
                if access.shared
                else "no ACTIVE RAM share owned by the package's account has both this account and the model "
                "package group ASSOCIATED"
            )
            raise AccessDeniedException(
                f"User: arn:aws:iam::{self.current_account}:root is not authorized to perform: sagemaker:{action} "
                f"on resource: {ref} because {reason}. Share the model package group with AWS RAM and wait for "
                "ASSOCIATED."
            )
        return backend

    def create_model_package(self) -> ActionResult:
        backend = self.own_backend()
        card, lifecycle = self._get_param("ModelCard"), self._get_param("ModelLifeCycle")
        if card is not None:
            check_model_card(card)
        if lifecycle is not None:
            check_lifecycle(lifecycle)
        result = super().create_model_package()
        arn = (
            backend.package_arn(self._get_param("ModelPackageName") or "")
            if not self._get_param("ModelPackageGroupName")
            else self._latest_in_group(backend, self._get_param("ModelPackageGroupName"))
        )
        backend.set_package_extras(arn, card, lifecycle)
        return result

    @staticmethod
    def _latest_in_group(backend: EmulatorSageMakerBackend, group: str) -> str:
        name = group.rsplit("/", 1)[-1]
        versions = [p for p in backend.model_packages.values() if p.model_package_group_name == name]
        return str(max(versions, key=lambda p: p.model_package_version or 0).arn)

    def update_model_package(self) -> ActionResult:
        if self.package_backend("ModelPackageArn", "UpdateModelPackage") is not self.own_backend():
            raise AccessDeniedException(
                f"User: arn:aws:iam::{self.current_account}:root is not authorized to perform: "
                "sagemaker:UpdateModelPackage on another account's model package; update it from its owner account."
            )
        backend = self.own_backend()
        ref = self._get_param("ModelPackageArn") or ""
        arn = backend.package_arn(ref)
        card, lifecycle = self._get_param("ModelCard"), self._get_param("ModelLifeCycle")
        backend.set_package_extras(arn, card, lifecycle)
        return super().update_model_package()

    def describe_model_package(self) -> ActionResult:
        backend = self.package_backend("ModelPackageName", "DescribeModelPackage")
        package = backend.describe_model_package(model_package_name=self._get_param("ModelPackageName"))
        return ActionResult({**package.gen_response_object(), **backend.package_extras(str(package.arn))})

    def describe_model_package_group(self) -> ActionResult:
        backend = self.package_backend("ModelPackageGroupName", "DescribeModelPackageGroup")
        name = (self._get_param("ModelPackageGroupName") or "").rsplit("/", 1)[-1]
        return ActionResult(backend.describe_model_package_group(model_package_group_name=name).gen_response_object())

    def list_model_packages(self) -> ActionResult:
        backend = self.package_backend("ModelPackageGroupName", "ListModelPackages")
        if backend is self.own_backend():
            return super().list_model_packages()
        packages, next_token = backend.list_model_packages(
            creation_time_after=self._get_param("CreationTimeAfter"),
            creation_time_before=self._get_param("CreationTimeBefore"),
            max_results=self._get_param("MaxResults"),
            name_contains=self._get_param("NameContains"),
            model_approval_status=self._get_param("ModelApprovalStatus"),
            model_package_group_name=self._get_param("ModelPackageGroupName"),
            model_package_type="Versioned",
            next_token=self._get_param("NextToken"),
            sort_by=self._get_param("SortBy"),
            sort_order=self._get_param("SortOrder"),
        )
        return ActionResult(
            {"ModelPackageSummaryList": [p.gen_response_object() for p in packages], "NextToken": next_token}
        )

    def create_model_card_export_job(self) -> ActionResult:
        backend, name = self.card_backend("CreateModelCardExportJob")
        output_config: Any = self._get_param("OutputConfig") or {}  # a request value (the backend checks it)
        arn = backend.create_model_card_export_job(
            name,
            self._get_param("ModelCardVersion"),
            self._get_param("ModelCardExportJobName"),
            output_config.get("S3OutputPath"),
            caller=self.current_account,
            caller_role=getattr(caller_of(self), "role_arn", None),
        )
        return ActionResult({"ModelCardExportJobArn": arn})

    def describe_model_card_export_job(self) -> ActionResult:
        """The job lives under its card (``<card ARN>/export-job/<name>``), so a consumer needs the share's
        permission to allow sagemaker:DescribeModelCardExportJob on the card."""
        arn = self._get_param("ModelCardExportJobArn") or ""
        card_ref, _, job = arn.partition("/export-job/")
        if not CARD_ARN.fullmatch(card_ref) or not job:
            raise ValidationError(f"Value '{arn}' at 'modelCardExportJobArn' is not a model card export job ARN.")
        backend, _ = self.shared_card_backend(card_ref, "DescribeModelCardExportJob")
        return ActionResult(backend.describe_model_card_export_job(arn))

    def send_pipeline_execution_step_success(self) -> ActionResult:
        arn = self.own_backend().send_pipeline_callback(
            self._get_param("CallbackToken"), "success", outputs=self._get_param("OutputParameters")
        )
        return ActionResult({"PipelineExecutionArn": arn})

    def send_pipeline_execution_step_failure(self) -> ActionResult:
        arn = self.own_backend().send_pipeline_callback(
            self._get_param("CallbackToken"), "failure", reason=self._get_param("FailureReason")
        )
        return ActionResult({"PipelineExecutionArn": arn})
