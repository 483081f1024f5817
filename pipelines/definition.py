"""Render a seed-code pipeline module's definition JSON offline (``mcgov pipeline definition``).

Region and bucket come from the caller, else ``AWS_REGION``/``AWS_DEFAULT_REGION`` and ``MCGOV_PIPELINE_BUCKET``,
else offline defaults; no credentials are needed.
"""

from __future__ import annotations

import json
import os
from typing import Any

from mcgov.pipelines.pipeline_module import accepted_kwargs, import_pipeline_module


def render_definition(
    module_name: str, kwargs: dict[str, Any], region: str | None = None, default_bucket: str | None = None
) -> str:
    """Definition JSON of ``module_name.get_pipeline(**kwargs)``, pretty-printed with sorted keys."""
    module = import_pipeline_module(module_name)
    defaults = {
        "region": region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"),
        "default_bucket": default_bucket or os.environ.get("MCGOV_PIPELINE_BUCKET"),
    }
    pipeline = module.get_pipeline(**accepted_kwargs(module.get_pipeline, kwargs, defaults))
    return json.dumps(json.loads(pipeline.definition()), indent=2, sort_keys=True)
