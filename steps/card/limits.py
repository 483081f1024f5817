"""Limits of SageMaker model-card content that the published JSON schema does not enforce.

Sources: ``shared/reference/model-card-schema/NOTES.md`` (CloudFormation schema, SDK v2 client-side
limits and the SageMaker API reference).
"""

from __future__ import annotations

CONTENT_MAX_CHARS = 100_000
CARD_STATUSES = ("Draft", "PendingReview", "Approved", "Archived")

GROUP_NAME_MAX = 63  # evaluation_details[].name and metric_groups[].name
METRIC_NAME_MAX = 255  # metric / training metric / hyperparameter names
AXIS_NAME_MAX = 63
STRING_METRIC_VALUE_MAX = 63
HYPERPARAMETER_VALUE_MAX = 255
NOTES_MAX = 1024
EVALUATION_OBSERVATION_MAX = 2096
EVALUATION_JOB_ARN_MAX = 256
URI_MAX = 1024
CUSTOM_DETAIL_MAX = 1024

MAX_URI_LIST = 15  # model_artifact, container_image, training_datasets
MAX_EVALUATION_DATASETS = 10
MAX_TRAINING_METRICS = 50
MAX_HYPERPARAMETERS = 100
MATRIX_MAX_SIDE = 20
