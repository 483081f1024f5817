"""The SageMaker model registry: model packages, their approval status and their tags.

Modules: ``models`` (typed records), ``store`` (``ModelPackageStore``), ``embedded`` (the card inside the package),
``provenance`` (light: no content models), ``lifecycle`` (the gate on ``ModelLifeCycle``). Import from the
defining module; this file exports nothing. Failure modes are in ``mcgov.steps.registry.exceptions``.
"""
