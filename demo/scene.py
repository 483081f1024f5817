"""What every demo scene shares: its title line and the deploy-time policy its Lambdas read."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mcgov.steps.handlers.config import clear_policy_cache


def title(text: str) -> None:
    print(f"\n== {text}")


@contextmanager
def policy_uri(path: Path | str) -> Iterator[None]:
    """The Lambdas read the deploy-time policy from ``MCGOV_POLICY_URI``: set to ``path``, restored afterwards."""
    previous = os.environ.get("MCGOV_POLICY_URI")
    os.environ["MCGOV_POLICY_URI"] = str(path)
    clear_policy_cache()
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("MCGOV_POLICY_URI", None)
        else:
            os.environ["MCGOV_POLICY_URI"] = previous
        clear_policy_cache()
