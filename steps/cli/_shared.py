"""Helpers shared by the ``mcgov`` command modules."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from typing import Any

from mcgov.identifiers import split_s3_uri
from mcgov.share_policies.models import SharePolicy
from mcgov.steps.cli.output import chosen_output, render_table, render_text
from mcgov.steps.common.aws import AwsErrorKind, AwsFailure, make_session
from mcgov.steps.common.exceptions import AwsCallError
from mcgov.steps.common.jsonutil import json_safe
from mcgov.steps.notify.bus import put_events
from mcgov.steps.notify.entries import Entry
from mcgov.steps.policy import load_policy
from mcgov.text import visible_json


def session(args: argparse.Namespace) -> Any:
    return make_session(getattr(args, "profile", None), getattr(args, "region", None))


def read_policy(args: argparse.Namespace, uri: str) -> SharePolicy:
    """The share policy at ``uri`` (a path, or s3:// read with the command's AWS settings)."""
    if not uri.startswith("s3://"):
        return load_policy(uri)
    split_s3_uri(uri)  # a malformed URI is refused before any AWS session is made
    return load_policy(uri, s3_client=session(args).client("s3"))


MAX_WAIT_SECONDS = 86400.0


def seconds(text: str) -> float:
    """argparse type of a wait: finite ASCII seconds, 0 to 86400 (``nan``, ``inf`` and ``١٢`` are refused)."""
    try:
        value = float(text) if text.isascii() else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not 0 <= value <= MAX_WAIT_SECONDS:
        raise argparse.ArgumentTypeError(f"not a number of seconds from 0 to {MAX_WAIT_SECONDS:.0f}")
    return value


def print_json(data: Any, stream: Any = None, *, output: str | None = None) -> None:
    """``data`` in the run's ``--output`` form (``output`` overrides it): indented JSON by default, where hidden
    characters are JSON escapes (the same data, none shown raw); ``text`` or ``table`` (``mcgov.steps.cli.output``)."""
    form, safe = output or chosen_output(), json_safe(data)
    if form == "text":
        text = render_text(safe)
    elif form == "table":
        text = render_table(safe)
    else:
        text = visible_json(json.dumps(safe, indent=2, ensure_ascii=False)) + "\n"
    (stream or sys.stdout).write(text)


def report_output(args: argparse.Namespace) -> str:
    """The output form of a report command (``reconcile``, ``hub``, ``card assess``): ``--json`` is ``--output json``;
    the default is the report's table."""
    return "json" if getattr(args, "json", False) else chosen_output("table")


def check_card_account(aws: Any, policy: SharePolicy, source: str) -> None:
    """Before any other call: the credentials must be of the policy's card account (STS GetCallerIdentity); a card
    published, shared or gated from another account would only show up later as "not found". The message names
    both accounts (account ids, not secrets) and which credentials to use; exit 3, as a credentials error."""
    caller = str(aws.client("sts", region_name=policy.region).get_caller_identity()["Account"])
    if caller != policy.card_account:
        message = (
            f"{source}: the policy's card_account is {policy.card_account} but the credentials are of account "
            f"{caller}; run with credentials of account {policy.card_account} (--profile or AWS_PROFILE)"
        )
        failure = AwsFailure("sts", "GetCallerIdentity", "WrongAccount", message, AwsErrorKind.ACCESS_DENIED)
        raise AwsCallError(message, failure=failure)


def notify(aws: Any, entries: Sequence[Entry | None]) -> None:
    """Put the notification ``entries`` (None: the policy sets no notifications) on their bus; a failure is one
    warning line on stderr and changes neither the output nor the exit code."""
    wanted = [entry for entry in entries if entry is not None]
    if not wanted:
        return
    delivery = put_events(aws.client("events", region_name=wanted[0].region), wanted)
    if delivery.failed:
        print(f"mcgov: warning: notification not sent: {delivery.problem}", file=sys.stderr)
