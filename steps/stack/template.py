"""The CloudFormation template of the governance stack, shipped as package data (``governance.yaml`` beside this
module): the one copy, which ``mcgov stack template`` prints and ``python -m mcgov.pipelines.cfn_sync`` keeps
equal to the shipped ASL and to ``lambda-runtime.txt``."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATE = Path(__file__).with_name("governance.yaml")
_DEPLOY_HUB_DEFAULT = re.compile(r'^(  DeployHub:\n(?:    .*\n)*?    Default: )"false"$', re.MULTILINE)
_RUNTIME_DEFAULT = re.compile(r"^  PythonRuntime:\n(?:    .*\n)*?    Default: (?P<runtime>\S+)$", re.MULTILINE)


def template_text(*, hub: bool = False) -> str:
    """The template as shipped; with ``hub``, the same template whose ``DeployHub`` parameter defaults to
    ``"true"`` (the hub account's stack of a hub-and-spoke policy)."""
    text = TEMPLATE.read_text()
    if not hub:
        return text
    hub_text, found = _DEPLOY_HUB_DEFAULT.subn(r'\1"true"', text)
    if found != 1:
        raise ValueError(f'{TEMPLATE.name}: expected one DeployHub parameter defaulting to "false"')
    return hub_text


def python_runtime() -> str:
    """The template's ``PythonRuntime`` default (``python3.12``): the runtime the Lambda package is built for."""
    match = _RUNTIME_DEFAULT.search(TEMPLATE.read_text())
    if match is None:
        raise ValueError(f"{TEMPLATE.name}: expected a PythonRuntime parameter with a Default")
    return match.group("runtime")
