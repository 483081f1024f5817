"""Share policies: which accounts get a model card at which stage, with which RAM permission."""
from mcgov.share_policies.exceptions import (
    CardArnError,
    PolicyError,
    PolicyFileError,
    PolicyUnavailableError,
    PolicyValidationError,
    UnknownStageError,
)
from mcgov.share_policies.loader import load_policy, parse_policy, parse_policy_text, read_policy_file
from mcgov.share_policies.models import (
    AWS_MANAGED_EXPORT_PERMISSION,
    AWS_MANAGED_PERMISSION,
    CARD_STATUS_ORDER,
    ExportSettings,
    GateSettings,
    SharePolicy,
    Stage,
)

__all__ = [
    "AWS_MANAGED_EXPORT_PERMISSION",
    "AWS_MANAGED_PERMISSION",
    "CARD_STATUS_ORDER",
    "CardArnError",
    "ExportSettings",
    "GateSettings",
    "PolicyError",
    "PolicyFileError",
    "PolicyUnavailableError",
    "PolicyValidationError",
    "SharePolicy",
    "Stage",
    "UnknownStageError",
    "load_policy",
    "parse_policy",
    "parse_policy_text",
    "read_policy_file",
]
