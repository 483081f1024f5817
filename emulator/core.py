"""The ``Emulator`` context manager: moto's ``mock_aws`` plus the emulator patches and controls."""

from __future__ import annotations

import json
import os
import secrets
import string
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import boto3
import botocore.session
from botocore.loaders import Loader, create_loader
from moto import mock_aws
from moto.core.config import DefaultConfig

from mcgov import clock as wait_clock
from mcgov.emulator import patches
from mcgov.emulator.awslambda.models import find_handler, register_handler
from mcgov.emulator.awslambda.runtime import PollResult, function_config, poll_sqs
from mcgov.emulator.config import Clock, EmulatorConfig
from mcgov.emulator.events.control import EventsControl
from mcgov.emulator.events.sources import clock_sources
from mcgov.emulator.exceptions import (
    EmulatorAlreadyStartedError,
    EmulatorConfigError,
    EmulatorNotStartedError,
)
from mcgov.emulator.iam.sessions import Credentials, set_default_credentials
from mcgov.emulator.stack import DeployedStack, deploy_stack, import_handler, load_template
from mcgov.emulator.state import Authorization, EmulatorState, FailureRule, LambdaHandler, set_state

FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
REMOVED_ENV = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "MOTO_ACCOUNT_ID",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_RAM",
    "AWS_ENDPOINT_URL_SAGEMAKER",
    "AWS_ENDPOINT_URL_STS",
    "AWS_ENDPOINT_URL_LAMBDA",
    "AWS_ENDPOINT_URL_SFN",
    "AWS_ENDPOINT_URL_S3",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
)
_active: Emulator | None = None
BOTO3_DATA_PATH = os.path.join(os.path.dirname(boto3.__file__), "data")


class SharedLoader(Loader):
    """A botocore ``Loader`` shared by every session: service models are parsed once per process.

    boto3 appends its data path to each session's loader; this one holds it already and hands out a copy
    of its search paths, so the list never grows.
    """

    @property
    def search_paths(self) -> list[str]:
        return list(self._search_paths)


_shared_loaders: dict[str | None, SharedLoader] = {}


def shared_loader(search_path_string: str | None = None) -> SharedLoader:
    """The process-wide loader for ``AWS_DATA_PATH`` = ``search_path_string`` (what ``create_loader`` builds)."""
    loader = _shared_loaders.get(search_path_string)
    if loader is None:
        paths = create_loader(search_path_string).search_paths
        if BOTO3_DATA_PATH not in paths:
            paths.append(BOTO3_DATA_PATH)
        loader = _shared_loaders[search_path_string] = SharedLoader(
            extra_search_paths=paths, include_default_search_paths=False
        )
    return loader


def moto_config(execute_state_machines: bool) -> DefaultConfig:
    """The moto user config the emulator runs with (no Docker; optional real SFN execution)."""
    return {
        "lambda": {"use_docker": False},
        "batch": {"use_docker": False},
        "stepfunctions": {"execute_state_machine": execute_state_machines},
    }


class Emulator:
    """In-process emulated AWS for the project; see the package docstring for usage."""

    def __init__(
        self,
        config: EmulatorConfig | None = None,
        *,
        frozen_clock: bool = False,
        execute_state_machines: bool = True,
        virtual_time: bool = False,
    ) -> None:
        """``virtual_time=True``: while running, the product's waits (gate polls, export polls) advance
        ``self.clock`` instead of sleeping (``mcgov.clock.install``); the pytest fixture turns it on."""
        self.config = config or EmulatorConfig()
        self.clock = Clock(frozen=frozen_clock)
        self.virtual_time = virtual_time
        self._previous_clock: wait_clock.WaitClock | None = None
        self.state = EmulatorState(config=self.config, clock=self.clock)
        self.events = EventsControl(self.state.events, self.account_id, self.config.region)
        self.execute_state_machines = execute_state_machines
        self._mock: Any = None
        self._saved_env: dict[str, str | None] = {}
        self._previous_state: EmulatorState | None = None
        self._sessions: dict[str, boto3.Session] = {}

    @property
    def started(self) -> bool:
        """True between ``start`` and ``stop``."""
        return self._mock is not None

    def start(self) -> Emulator:
        """Set fake credentials, apply the patches and start ``mock_aws``."""
        global _active
        if _active is not None:
            raise EmulatorAlreadyStartedError(
                "Another Emulator is running in this process; stop it (or use it) instead of starting a second one."
            )
        self._saved_env = {k: os.environ.get(k) for k in (*FAKE_ENV, *REMOVED_ENV, "AWS_DEFAULT_REGION")}
        for key in REMOVED_ENV:
            os.environ.pop(key, None)
        os.environ.update(FAKE_ENV)
        os.environ["AWS_DEFAULT_REGION"] = self.config.region
        patches.apply()
        botocore.session.create_loader = shared_loader  # sessions made while running parse each model once
        self._previous_state = set_state(self.state)
        self._mock = mock_aws(config=moto_config(self.execute_state_machines))
        self._mock.start()
        self.state.events.sources = clock_sources(self.state.events)
        self.clock.listener = self.state.events
        if self.virtual_time:
            self._previous_clock = wait_clock.install(self.clock)
        _active = self
        return self

    def stop(self) -> None:
        """Stop ``mock_aws``, revert the patches and restore the environment (idempotent)."""
        global _active
        if self._mock is None:
            return
        self.state.events.stop_background()
        self.clock.listener = None
        try:
            self._mock.stop()
        finally:
            self._mock = None
            _active = None
            if self.virtual_time:
                wait_clock.install(self._previous_clock)
                self._previous_clock = None
            patches.revert()
            botocore.session.create_loader = create_loader
            if self._previous_state is not None:
                set_state(self._previous_state)
            for key, value in self._saved_env.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
            boto3.DEFAULT_SESSION = None  # it may hold credentials from act_as
            self._sessions.clear()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _require_started(self) -> None:
        if not self.started:
            raise EmulatorNotStartedError("Start the emulator first: use `with Emulator(cfg) as emu:`.")

    def account_id(self, account: str) -> str:
        """Resolve a label from ``config.accounts`` (or 'card') or a 12-digit id to an account id."""
        if account == "card":
            return self.config.card_account
        if account in self.config.accounts:
            return self.config.accounts[account]
        if len(account) == 12 and account.isdigit():
            return account
        raise EmulatorConfigError(
            f"Unknown account {account!r}; use a 12-digit id or one of {sorted(self.config.accounts)}."
        )

    def act_as(self, account: str, session_name: str = "emulator") -> boto3.Session:
        """Make the default credentials (the environment, as a Lambda or the CLI sees them) act as ``account`` (an
        id or label), or as a session of the role ``account`` when it is a role ARN (``session_for_role``).

        Handlers and ``mcgov`` build their clients from the default session; after this call they act in
        ``account``. The environment is restored when the emulator stops.
        """
        session = self.session_for_role(account, session_name) if account.startswith("arn:") else self.session(account)
        self._set_default_credentials(session)
        return session

    @staticmethod
    def _set_default_credentials(session: boto3.Session) -> None:
        creds = session.get_credentials().get_frozen_credentials()
        set_default_credentials(Credentials(creds.access_key, creds.secret_key, creds.token))

    def session(self, account: str, region: str | None = None) -> boto3.Session:
        """A boto3 session whose calls act as ``account`` (id or label), via STS AssumeRole in moto."""
        self._require_started()
        account_id = self.account_id(account)
        region = region or self.config.region
        key = f"{account_id}/{region}"
        if key not in self._sessions:
            creds = boto3.client("sts", region_name=region).assume_role(
                RoleArn=f"arn:aws:iam::{account_id}:role/emulator-{account_id}",
                RoleSessionName=f"emulator-{account_id}",
            )["Credentials"]
            self._sessions[key] = boto3.Session(
                aws_access_key_id=creds["AccessKeyId"],
                aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"],
                region_name=region,
            )
        return self._sessions[key]

    def create_role(
        self,
        name: str,
        policies: Mapping[str, Mapping[str, Any] | str] | None = None,
        managed_policy_arns: Sequence[str] = (),
        account: str = "card",
        path: str = "/",
    ) -> str:
        """Create an IAM role in ``account`` with inline ``policies`` (name -> document) and managed policies
        attached; sessions of it (``session_for_role``) are then authorized by those policies. Returns its ARN."""
        iam = self.session(account).client("iam")
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{self.account_id(account)}:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        arn: str = iam.create_role(RoleName=name, Path=path, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        for policy_name, document in (policies or {}).items():
            text = document if isinstance(document, str) else json.dumps(document)
            iam.put_role_policy(RoleName=name, PolicyName=policy_name, PolicyDocument=text)
        for policy_arn in managed_policy_arns:
            iam.attach_role_policy(RoleName=name, PolicyArn=policy_arn)
        return arn

    def session_for_role(
        self, role_arn: str, session_name: str = "emulator", region: str | None = None
    ) -> boto3.Session:
        """A boto3 session of ``role_arn`` (AssumeRole): if the role exists, its policies authorize every call."""
        account = role_arn.split(":")[4]
        creds = (
            self.session(account, region)
            .client("sts")
            .assume_role(RoleArn=role_arn, RoleSessionName=session_name)["Credentials"]
        )
        return boto3.Session(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
            region_name=region or self.config.region,
        )

    def fail_association(
        self,
        principal: str | None = None,
        message: str = "Injected failure",
        share_arn: str | None = None,
        resource_arn: str | None = None,
    ) -> FailureRule:
        """Make ASSOCIATING associations of ``principal`` and/or ``resource_arn`` become FAILED."""
        if principal is None and resource_arn is None:
            raise EmulatorConfigError("Pass principal=<account id or ARN> and/or resource_arn=<ARN>.")
        rules = []
        if principal is not None:
            rules.append(FailureRule(message=message, principal=principal, share_arn=share_arn))
        if resource_arn is not None:
            rules.append(FailureRule(message=message, resource_arn=resource_arn, share_arn=share_arn))
        with self.state.lock:
            self.state.failures.extend(rules)
        self.state.events.pump()
        return rules[0]

    def clear_failures(self) -> None:
        """Remove every injected association failure."""
        with self.state.lock:
            self.state.failures.clear()

    def set_association_delay(self, polls: int | None = None, seconds: float | None = None) -> None:
        """Set when new associations become ASSOCIATED (both None: immediately)."""
        for value in (polls, seconds):
            if value is not None and value < 0:
                raise EmulatorConfigError("Association delays must be >= 0.")
        self.config.associate_after_polls = polls
        self.config.associate_after_seconds = seconds
        self.state.events.pump()

    def set_association_status(self, share_arn: str, entity: str, status: str, message: str | None = None) -> None:
        """Put one association of a card-account share in ``status`` (SUSPENDED, SUSPENDING, RESTORING... as
        RAM reports them when an account leaves the organization or sharing with it is suspended)."""
        from moto.ram.models import ram_backends

        from mcgov.emulator.ram.models import EmulatorRamBackend

        owner = share_arn.split(":")[4] if share_arn.count(":") >= 5 else self.config.card_account
        backend = ram_backends[owner][self.config.region]
        if not isinstance(backend, EmulatorRamBackend):
            raise EmulatorConfigError("The emulator's RAM backend is not installed; start the emulator first.")
        backend.set_association_status(share_arn, entity, status, message)
        self.state.events.pump()

    def deploy_stack(
        self,
        template: str | Path | Mapping[str, Any],
        *,
        stack_name: str,
        parameters: Mapping[str, Any] | None = None,
        account: str = "card",
        handlers: Callable[[str], LambdaHandler] | None = import_handler,
        definitions: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> DeployedStack:
        """Deploy a CloudFormation template's roles and run-time resources in ``account`` (``mcgov.emulator.stack``):
        its functions run their ``Handler`` in-process, under their roles."""
        loaded = template if isinstance(template, Mapping) else load_template(template)
        return deploy_stack(
            self.session(account),
            loaded,
            stack_name=stack_name,
            parameters=parameters,
            handlers=handlers,
            register=self.register_lambda_handler,
            definitions=definitions,
        )

    def register_lambda_handler(self, function_name_or_arn: str, handler: LambdaHandler) -> str:
        """Run ``handler(event, context)`` in-process when that Lambda function is invoked."""
        return register_handler(function_name_or_arn, handler, self.state)

    def poll_event_source(
        self,
        function_name_or_arn: str,
        queue_url: str,
        *,
        batch_size: int = 10,
        report_batch_item_failures: bool = True,
    ) -> PollResult:
        """One poll of an SQS event source mapping of a registered function, as Lambda runs it with the function's
        role (``awslambda.runtime.poll_sqs``). moto's own event source mappings invoke moto's function, not the
        registered handler: declare the mapping here instead."""
        self._require_started()
        handler = find_handler(function_name_or_arn)
        function = function_config(function_name_or_arn, self.config.card_account, self.config.region)
        if handler is None or function is None:
            raise EmulatorConfigError(
                f"{function_name_or_arn!r} is not a registered Lambda function; create it and register its handler."
            )
        return poll_sqs(
            handler, function, queue_url, batch_size=batch_size, report_batch_item_failures=report_batch_item_failures
        )

    @property
    def authorizations(self) -> list[Authorization]:
        """Every IAM decision made for role sessions (their requests, and services acting with their roles)."""
        with self.state.lock:
            return list(self.state.authorizations)

    @property
    def denials(self) -> list[Authorization]:
        """The refused ones among ``authorizations``."""
        return [a for a in self.authorizations if not a.allowed]

    @property
    def api_calls(self) -> list[tuple[str, str, str]]:
        """(account, service, operation) of every request the emulator served, oldest first."""
        with self.state.lock:
            return list(self.state.api_calls)

    def issue_callback_token(self, pipeline_execution_arn: str, token: str | None = None) -> str:
        """A CallbackStep's token, as SageMaker puts it in the step's SQS message: ten letters and digits, issued for
        ``pipeline_execution_arn`` (its account completes it; IAM authorizes the completion on that execution)."""
        from moto.sagemaker.models import sagemaker_backends

        from mcgov.emulator.sagemaker.models import EmulatorSageMakerBackend

        token = token or "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(10))
        account, region = pipeline_execution_arn.split(":")[4], pipeline_execution_arn.split(":")[3]
        backend = sagemaker_backends[account][region]
        if not isinstance(backend, EmulatorSageMakerBackend):
            raise EmulatorConfigError("The emulator's SageMaker backend is not installed; start the emulator first.")
        backend.callback_tokens[token] = pipeline_execution_arn
        return token

    def pipeline_callbacks(self, account: str, region: str | None = None) -> dict[str, dict[str, Any]]:
        """CallbackStep completions sent from ``account``: token -> {outcome, outputs, reason}."""
        from moto.sagemaker.models import sagemaker_backends

        backend = sagemaker_backends[self.account_id(account)][region or self.config.region]
        return dict(getattr(backend, "pipeline_callbacks", {}))


def active_emulator() -> Emulator | None:
    """The running in-process emulator, if any."""
    return _active
