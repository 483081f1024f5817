"""What every demo scene shares: its title line and the deploy-time policy its Lambdas read."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mcgov.emulator.environment import environment
from mcgov.steps.handlers.config import clear_policy_cache


def title(text: str) -> None:
    print(f"\n== {text}")


@contextmanager
def policy_uri(path: Path | str) -> Iterator[None]:
    """The Lambdas read the deploy-time policy from ``MCGOV_POLICY_URI``: set to ``path``, restored afterwards."""
    with environment({"MCGOV_POLICY_URI": str(path)}):
        clear_policy_cache()
        try:
            yield
        finally:
            clear_policy_cache()
