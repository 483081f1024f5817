"""Packaging of model-card-governance (``mcgov``).

The repository's folders install as subpackages of one package, ``mcgov`` (``steps/`` -> ``mcgov.steps``,
``pipelines/`` -> ``mcgov.pipelines`` ...), so a project with its own ``pipelines`` or ``steps`` package can
use this one. The ``mcgov/`` folder is the package root: the errors every subpackage shares.
"""

from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent
VERSION = (HERE / "steps" / "VERSION").read_text().strip()

NAMESPACE = "mcgov"
FOLDERS = ("steps", "pipelines", "share_policies", "emulator", "demo")
PACKAGES = [NAMESPACE] + [
    f"{NAMESPACE}.{name}" for folder in FOLDERS for name in (folder, *find_packages(where=".", include=[f"{folder}.*"]))
]

MOTO = "moto[sagemaker,ram,stepfunctions,sts,s3,iam,awslambda-simple,server]==5.2.5"
# The SDK the Lambda package bundles (steps/stack/lambda-sdk.txt, package data); the tests run on the same versions.
SDK_PINS = (HERE / "steps" / "stack" / "lambda-sdk.txt").read_text().splitlines()
LAMBDA_SDK = [line.strip() for line in SDK_PINS if line.strip()[:1].isalpha()]
# botocore learned ModelPackage's ModelLifeCycle (the gate records its decision there) after 1.35.36; 1.35.99 has it.
SDK_FLOOR = "boto3>=1.35.99"

setup(
    name="model-card-governance",
    version=VERSION,
    description=(
        "model-card-governance: fill SageMaker model cards at pipeline run time, share them with AWS RAM, "
        "and gate promotion on the share being ASSOCIATED."
    ),
    long_description=(HERE / "README.md").read_text() if (HERE / "README.md").exists() else "",
    long_description_content_type="text/markdown",
    python_requires=">=3.11",
    packages=PACKAGES,
    package_dir={NAMESPACE: NAMESPACE, **{f"{NAMESPACE}.{folder}": folder for folder in FOLDERS}},
    package_data={
        "mcgov.steps": ["VERSION"],
        "mcgov.steps.assess": ["content_tree.json", "frameworks/*.json", "frameworks/SOURCES.md"],
        "mcgov.steps.workflow": ["*.asl.json"],  # the shipped Step Functions definitions (make asl writes them)
        # the CloudFormation template (mcgov stack template) and the SDK the Lambda package bundles
        "mcgov.steps.stack": ["governance.yaml", "lambda-sdk.txt"],
        "mcgov.share_policies": ["*.yaml"],
        "mcgov.emulator": [
            "sagemaker/schema/*.json",
            "sagemaker/schema/*.md",
            "fixtures/data/*",
            "iam/data/*.json",
            "iam/data/*.md",
        ],
    },
    install_requires=[
        SDK_FLOOR,
        "pydantic>=2.6,<3",
        "PyYAML>=6.0",
        # The Lambda handlers' Logger, Metrics, Parameters and (tracing on) Tracer, which needs the X-Ray SDK.
        "aws-lambda-powertools[tracer]>=3.37,<4",
    ],
    extras_require={
        # Authoring SageMaker pipelines (mcgov.pipelines): the SageMaker Python SDK v3, or v2 for teams still on it.
        "pipelines": ["sagemaker>=3"],
        "pipelines-v2": ["sagemaker>=2.257.5,<3"],
        # Authoring the Step Functions ASL (make asl): stepfunctions 2.3.0 imports only under sagemaker v2. Deploying
        # or printing the workflow needs none of it: the authored ASL ships as package data.
        "stepfunctions": [
            "stepfunctions==2.3.0",
            "sagemaker>=2.257.5,<3",
            "setuptools<81",  # stepfunctions 2.3.0 imports pkg_resources, which setuptools 81+ no longer ships
        ],
        "emulator": [MOTO],
        "dev": [
            MOTO,
            *LAMBDA_SDK,
            "pytest>=8",
            "pytest-xdist>=3.6",  # `make test` runs on two workers
            "hypothesis>=6.100",
            "jsonschema>=4.20",
            "cfn-lint>=1.0",
            "markdown-it-py>=3.0",  # tests parse rendered cards as CommonMark/GFM tables
            "cmarkgfm>=2024.1.14",  # GitHub's own parser (cmark-gfm, autolink extension): rendered cards make no link
            "detect-secrets==1.5.0",  # the anchor of the secret detectors (tests only)
            "ruff==0.17.6",  # `make lint`: lint and format (config in pyproject.toml)
            "import-linter==2.17",  # `make lint`: the import contracts in pyproject.toml
            "mypy==2.4.1",  # `make lint`: the type check (config in pyproject.toml)
            "types-PyYAML==6.0.12.20261122",  # PyYAML's types, for mypy
        ],
    },
    entry_points={
        "console_scripts": [
            "mcgov=mcgov.steps.cli.main:main",
        ],
        "pytest11": ["mcgov_emulator=mcgov.emulator.pytest_plugin"],
    },
)
