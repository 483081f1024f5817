"""model-card-governance: fill SageMaker model cards at pipeline run time, share them with AWS RAM, and gate promotion on the share being ASSOCIATED.

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

setup(
    name="model-card-governance",
    version=VERSION,
    description=__doc__.splitlines()[0],
    long_description=(HERE / "README.md").read_text() if (HERE / "README.md").exists() else "",
    long_description_content_type="text/markdown",
    python_requires=">=3.11",
    packages=PACKAGES,
    package_dir={NAMESPACE: NAMESPACE, **{f"{NAMESPACE}.{folder}": folder for folder in FOLDERS}},
    package_data={
        "mcgov.steps": ["VERSION"],
        "mcgov.share_policies": ["*.yaml"],
        "mcgov.emulator": ["sagemaker/schema/*.json", "sagemaker/schema/*.md", "fixtures/data/*"],
    },
    install_requires=[
        "boto3>=1.34",
        "pydantic>=2.6,<3",
        "PyYAML>=6.0",
    ],
    extras_require={
        "pipelines": [
            "sagemaker>=2.257.5,<3",
            "stepfunctions==2.3.0",
            "setuptools<81",  # stepfunctions 2.3.0 imports pkg_resources, which setuptools 81+ no longer ships
        ],
        "emulator": [MOTO],
        "dev": [
            MOTO,
            "pytest>=8",
            "pytest-xdist>=3.6",  # `make test` runs on two workers
            "hypothesis>=6.100",
            "jsonschema>=4.20",
            "cfn-lint>=1.0",
            "markdown-it-py>=3.0",  # tests parse rendered cards as CommonMark/GFM tables
            "detect-secrets==1.5.0",  # the anchor of the secret detectors (tests only)
        ],
    },
    entry_points={
        "console_scripts": [
            "mcgov=mcgov.steps.cli.main:main",
            "run-pipeline=mcgov.pipelines.run_pipeline:main",
            "get-pipeline-definition=mcgov.pipelines.get_pipeline_definition:main",
        ],
        "pytest11": ["mcgov_emulator=mcgov.emulator.pytest_plugin"],
    },
)
