"""AWS Lambda entry points. Each handler parses its event, calls the core, and returns JSON-safe output.

Handler strings: ``steps.handlers.populate_card.handler``, ``steps.handlers.share_card.handler``,
``steps.handlers.check_gate.handler``, ``steps.handlers.approval_guard.handler``,
``steps.handlers.gate_watcher.handler``. They import boto3 and pydantic only.
"""
