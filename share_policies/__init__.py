"""Share policies: which accounts get a model card at which stage, with which RAM permission."""

from mcgov.share_policies.exceptions import (
    CardArnError,
    PolicyError,
    PolicyFileError,
    PolicyUnavailableError,
    PolicyValidationError,
    UnknownSpokeError,
    UnknownStageError,
)
from mcgov.share_policies.loader import load_policy, parse_policy, parse_policy_text, read_policy_file
from mcgov.share_policies.models import (
    AWS_MANAGED_EXPORT_PERMISSION,
    AWS_MANAGED_PERMISSION,
    CARD_STATUS_ORDER,
    ExportSettings,
    GateSettings,
    HubLocation,
    HubSpokePolicy,
    SharePolicy,
    Spoke,
    SpokeSelect,
    Stage,
    policy_model,
)

__all__ = [
    "AWS_MANAGED_EXPORT_PERMISSION",
    "AWS_MANAGED_PERMISSION",
    "CARD_STATUS_ORDER",
    "CardArnError",
    "ExportSettings",
    "GateSettings",
    "HubLocation",
    "HubSpokePolicy",
    "PolicyError",
    "PolicyFileError",
    "PolicyUnavailableError",
    "PolicyValidationError",
    "SharePolicy",
    "Spoke",
    "SpokeSelect",
    "Stage",
    "UnknownSpokeError",
    "UnknownStageError",
    "load_policy",
    "parse_policy",
    "parse_policy_text",
    "policy_model",
    "read_policy_file",
]
