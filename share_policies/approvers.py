"""Who may approve a card: the policy's ``approvers``, IAM principal ARN patterns, and the match of a caller's ARN.

Three forms, each in the policy's partition and the **card account** (only the card account can write the approval
record: RAM's model-card permissions grant consumers no tagging, so an approver of another account could never
approve):

* ``arn:aws:iam::<card account>:role/[path/]Name``: any session of that role (``sts:GetCallerIdentity`` names a role
  session ``arn:aws:sts::<account>:assumed-role/Name/<session>``, without the path; role names are unique in an
  account, path or not);
* ``arn:aws:sts::<card account>:assumed-role/Name/Session``: one session name, or ``Session*`` (a session-name
  prefix) or ``*`` (any session) as the only wildcard, at the end;
* ``arn:aws:iam::<card account>:user/[path/]Name``: that IAM user.

Anything else is refused: a bare ``*``, a wildcard elsewhere, the account root, another account, a comma (a
SageMaker tag value cannot hold one, so the recorded approver could never match). Sources: the IAM identifiers page
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html, role/user/assumed-role ARN formats)
and STS GetCallerIdentity.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from mcgov.identifiers import PARTITION

APPROVERS_MAX = 50
_NAME = r"[A-Za-z0-9+=.@_-]{1,64}"
_PATH = r"(?:[A-Za-z0-9+=.@_-]+/){0,16}"
_IAM = re.compile(
    rf"arn:(?P<partition>{PARTITION}):iam::(?P<account>[0-9]{{12}}):(?P<kind>role|user)/{_PATH}(?P<name>{_NAME})",
    re.ASCII,
)
_ASSUMED = re.compile(
    rf"arn:(?P<partition>{PARTITION}):sts::(?P<account>[0-9]{{12}}):assumed-role/(?P<name>{_NAME})"
    r"/(?P<session>[A-Za-z0-9+=.@_-]{0,64})(?P<wildcard>\*?)",
    re.ASCII,
)
ARN_MAX = 256  # what one SageMaker tag value holds: the recorded approver must fit unchanged


@dataclass(frozen=True)
class ApproverPattern:
    """One parsed ``approvers`` entry (``text`` is the entry as written)."""

    text: str
    partition: str
    account: str
    kind: str  # role | user | assumed-role
    name: str
    session: str = ""
    prefix: bool = False

    def matches(self, arn: str) -> bool:
        """True when the caller ARN ``arn`` (STS GetCallerIdentity) is this approver."""
        if self.kind == "user":
            return arn == self.text
        found = _ASSUMED.fullmatch(arn) if isinstance(arn, str) and len(arn) <= ARN_MAX else None
        if found is None or found["wildcard"] or not found["session"]:
            return False
        same_role = (found["partition"], found["account"], found["name"]) == (self.partition, self.account, self.name)
        if not same_role:
            return False
        if self.kind == "role":
            return True
        return found["session"].startswith(self.session) if self.prefix else found["session"] == self.session


def parse_approver(text: object) -> ApproverPattern:
    """The pattern of one ``approvers`` entry; ``ValueError`` saying what is wrong (never quoting the entry)."""
    if not isinstance(text, str) or len(text) > ARN_MAX:
        raise ValueError(f"an approver is an IAM role, user or assumed-role ARN of at most {ARN_MAX} characters")
    if text.strip() == "*" or "*" in text.rstrip("*") or text.count("*") > 1:
        raise ValueError(
            "a wildcard is allowed only as the last character of an assumed-role session name "
            "(arn:aws:sts::<account>:assumed-role/<role>/<session prefix>*)"
        )
    iam = _IAM.fullmatch(text)
    if iam is not None:
        return ApproverPattern(text, iam["partition"], iam["account"], iam["kind"], iam["name"])
    assumed = _ASSUMED.fullmatch(text)
    if assumed is not None and (assumed["session"] or assumed["wildcard"]):
        return ApproverPattern(
            text,
            assumed["partition"],
            assumed["account"],
            "assumed-role",
            assumed["name"],
            assumed["session"],
            bool(assumed["wildcard"]),
        )
    raise ValueError(
        "not an approver ARN: use arn:aws:iam::<account>:role/<name>, arn:aws:iam::<account>:user/<name> or "
        "arn:aws:sts::<account>:assumed-role/<role>/<session or prefix*> (no commas, no root)"
    )


def find_approver(patterns: Iterable[ApproverPattern], arn: str) -> ApproverPattern | None:
    """The first pattern the caller ARN ``arn`` matches, or None."""
    return next((p for p in patterns if p.matches(arn)), None)
