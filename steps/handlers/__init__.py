"""AWS Lambda entry points. Each handler parses its event, calls the core, and returns JSON-safe output.

Handler strings:

- ``mcgov.steps.handlers.populate_card.handler``: build and publish the model card
- ``mcgov.steps.handlers.share_card.handler``: share the card with the policy's accounts through RAM
- ``mcgov.steps.handlers.check_gate.handler``: the promotion gate of one stage
- ``mcgov.steps.handlers.approval_guard.handler``: revert model-package approvals the gate does not allow
- ``mcgov.steps.handlers.gate_watcher.handler``: complete a pipeline CallbackStep once the gate decides
- ``mcgov.steps.handlers.approve_model_package.handler``: approve the model package after an allowed gate

They import boto3, pydantic and Powertools for AWS Lambda only. A failure leaves as ``HandlerFailure``
(``RetryableHandlerFailure`` when the same event may pass later); ``runtime.py`` holds what they share (logs, metrics,
tracing), ``config.py`` the deploy-time policy.
"""
