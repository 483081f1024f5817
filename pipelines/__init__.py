"""Authoring layer: SageMaker Pipelines and Step Functions definitions, console scripts, CloudFormation glue.

The only package allowed to import ``sagemaker`` and ``stepfunctions`` (always lazily, inside functions).
Importing it keeps the SDK quiet on stdout so definitions can be piped: the v2 deprecation banner is
suppressed and the ``sagemaker.config`` logger (which otherwise prints INFO lines to stdout) logs
warnings to stderr, unless the caller already configured it.
"""

from __future__ import annotations

import logging
import os
import sys

os.environ.setdefault("SAGEMAKER_SUPPRESS_V2_WARNING", "1")

_config_logger = logging.getLogger("sagemaker.config")
if not _config_logger.handlers and _config_logger.level == logging.NOTSET:
    _handler = logging.StreamHandler(sys.stderr)
    _handler.setFormatter(logging.Formatter("%(name)s %(levelname)s - %(message)s"))
    _config_logger.addHandler(_handler)
    _config_logger.setLevel(logging.WARNING)
    _config_logger.propagate = False
