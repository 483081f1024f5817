"""model-card-governance: fill SageMaker model cards at pipeline run time, share them with AWS RAM,
and gate promotion on the share being ASSOCIATED."""
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent
VERSION = (HERE / "steps" / "VERSION").read_text().strip()

MOTO = "moto[sagemaker,ram,stepfunctions,sts,s3,iam,awslambda-simple,server]==5.2.5"

setup(
    name="model-card-governance",
    version=VERSION,
    description=__doc__,
    long_description=(HERE / "README.md").read_text() if (HERE / "README.md").exists() else "",
    long_description_content_type="text/markdown",
    python_requires=">=3.11",
    packages=find_packages(include=["steps", "steps.*", "pipelines", "pipelines.*",
                                    "share_policies", "share_policies.*",
                                    "emulator", "emulator.*", "demo", "demo.*"]),
    package_data={
        "steps": ["VERSION", "card/schema/*.json"],
        "share_policies": ["*.yaml"],
        "pipelines": ["**/*.yaml", "**/*.json", "**/*.py"],
    },
    include_package_data=True,
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
            "hypothesis>=6.100",
            "jsonschema>=4.20",
            "cfn-lint>=1.0",
        ],
    },
    entry_points={
        "console_scripts": [
            "mcgov=steps.cli.main:main",
            "run-pipeline=pipelines.run_pipeline:main",
            "get-pipeline-definition=pipelines.get_pipeline_definition:main",
        ],
        "pytest11": ["mcgov_emulator=emulator.pytest_plugin"],
    },
)
