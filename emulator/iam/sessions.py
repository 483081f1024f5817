"""Role sessions the emulator's services start, and the default credentials an in-process Lambda sees.

A Lambda runs with its execution role's credentials in its environment (``AWS_ACCESS_KEY_ID`` ...) and builds its
clients from the default session; the emulator runs a registered handler the same way, in this process, under
``acting_as``: the environment holds the role session's credentials (and the function's variables) for the call,
and is restored after. One lock serializes these calls: the environment is the process's.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import boto3
from moto.utilities.utils import get_partition

from mcgov.emulator.environment import environment

CREDENTIAL_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
_ENVIRONMENT_LOCK = threading.RLock()


@dataclass(frozen=True)
class Credentials:
    access_key: str
    secret_key: str
    token: str

    def environment(self) -> dict[str, str]:
        return {
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_SESSION_TOKEN": self.token,
            "AWS_SECURITY_TOKEN": self.token,
        }

    def session(self, region: str) -> boto3.Session:
        return boto3.Session(
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            aws_session_token=self.token,
            region_name=region,
        )


def assume_role(role_arn: str, region: str, session_name: str) -> Credentials:
    """Credentials of a new session of ``role_arn``, as the service that assumes it gets them (moto's STS)."""
    from moto.sts.models import sts_backends

    account = role_arn.split(":")[4]
    role = sts_backends[account][get_partition(region)].assume_role(
        region_name=region,
        role_session_name=session_name,
        role_arn=role_arn,
        policy="",
        duration=3600,
        external_id="",
    )
    return Credentials(role.access_key_id, role.secret_access_key, role.session_token)


def set_default_credentials(credentials: Credentials) -> None:
    """From now on, the default credentials are ``credentials`` (``Emulator.act_as``)."""
    with _ENVIRONMENT_LOCK:
        os.environ.update(credentials.environment())
        boto3.DEFAULT_SESSION = None


@contextmanager
def acting_as(credentials: Credentials | None, variables: Mapping[str, str] | None = None) -> Iterator[None]:
    """For the block, the default credentials are ``credentials`` (unchanged when None) and ``variables`` are set;
    the environment and boto3's default session are restored after."""
    changes = {**(variables or {}), **(credentials.environment() if credentials else {})}
    with _ENVIRONMENT_LOCK, environment(changes):
        saved_session = boto3.DEFAULT_SESSION
        boto3.DEFAULT_SESSION = None
        try:
            yield
        finally:
            boto3.DEFAULT_SESSION = saved_session
