"""A user's emulator test: one pytest file, outside this repository, that publishes a card, shares it and gates
staging with `mcgov` on the ``emulator`` fixture, with the policy's default gate intervals (5 s polls). The gate
waits on the emulator's virtual clock, so the test takes well under a second.

    python -m benchmarks.user_test [--json]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

from benchmarks._world import bench_main

TARGET_SECONDS = 1.0
POLICY = """\
version: 1
card_account: "111111111111"
region: us-east-1
stages:
  staging:
    accounts: ["222222222222"]
    required_card_status: PendingReview
"""
USER_TEST = """\
import json
import time
from pathlib import Path

from mcgov.steps.cli.main import main


def test_publish_share_gate(emulator, tmp_path, capsys):
    emulator.act_as("card")
    content = tmp_path / "card.json"
    content.write_text(json.dumps({"model_overview": {"model_owner": "team"}}))
    policy = str(Path(__file__).with_name("policy.yaml"))
    start, real_start = emulator.clock.now(), time.time()
    assert main(["card", "publish", "--name", "churn", "--content", str(content), "--status", "PendingReview"]) == 0
    assert main(["share", "ensure", "--card", "churn", "--policy", policy]) == 0
    assert main(["gate", "check", "--card", "churn", "--policy", policy, "--stage", "staging"]) == 0
    assert "poll 2 after 5s: allowed" in capsys.readouterr().err
    virtual = (emulator.clock.now() - start) - (time.time() - real_start)  # what waits advanced the clock by
    Path(__file__).with_name("clock.txt").write_text(str(virtual))
"""


def run() -> dict[str, Any]:
    """The test's own time (setup, call and teardown, from pytest's JUnit report), the whole pytest process's wall
    time, and the seconds the gate's waits advanced the emulator clock by (without real sleeping)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "policy.yaml").write_text(POLICY)
        (folder / "test_user.py").write_text(USER_TEST)
        report = folder / "junit.xml"
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", "test_user.py"],
            cwd=folder,
            capture_output=True,
            text=True,
        )
        process_s = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(f"the user's test failed (pytest exit {done.returncode}):\n{done.stdout[-2000:]}")
        [case] = ElementTree.parse(report).getroot().iter("testcase")
        test_s = float(case.get("time", "nan"))
        waited = float((folder / "clock.txt").read_text())
    return {
        "test_s": round(test_s, 2),
        "pytest_process_s": round(process_s, 2),
        "emulator_clock_waited_s": round(waited, 1),
        "target_s": TARGET_SECONDS,
    }


def render(result: dict[str, Any]) -> None:
    """Print the figures for a person."""
    print(
        f"test {result['test_s']} s (target <= {result['target_s']} s), whole pytest run "
        f"{result['pytest_process_s']} s; the gate waited {result['emulator_clock_waited_s']} s on the emulator clock"
    )


def main(argv: list[str] | None = None) -> int:
    return bench_main(argv, __doc__ or "", run, render)


if __name__ == "__main__":
    sys.exit(main())
