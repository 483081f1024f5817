"""The view model: what a reviewer sees on a card, as frozen records (built by ``layout``, formatted by the
HTML and Markdown renderers, which decide nothing about order or content)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from mcgov.steps.review.chart_math import Auc, MatrixAxes

if TYPE_CHECKING:
    from mcgov.steps.approval.tags import ApprovalRecord
    from mcgov.steps.review.diff import CardDiff


@dataclass(frozen=True)
class CardInfo:
    """What the card store says about a card (all absent for a content file), and its approval record as read
    from the card's tags: ``approval_error`` says why it could not be read (another account's card...)."""

    name: str | None = None
    arn: str | None = None
    version: int | None = None
    status: str | None = None
    last_modified: str | None = None
    approval: ApprovalRecord | None = None
    approval_error: str | None = None
    policy: str | None = None  # the share policy named to `mcgov card render --policy`, for the approve command


@dataclass(frozen=True)
class Field:
    """One labelled value; ``code`` marks identifiers (ARNs, URIs, hashes) shown in a fixed-width font."""

    label: str
    value: str | tuple[str, ...]
    code: bool = False


@dataclass(frozen=True)
class Fields:
    rows: tuple[Field, ...]
    title: str | None = None


@dataclass(frozen=True)
class Prose:
    title: str
    text: str


@dataclass(frozen=True)
class Note:
    """A redaction or reduction: what the card left out or changed, shown beside what it changed."""

    kind: str
    text: str


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True)
class Metric:
    """One metric; ``is_chart`` when its value has its chart type's shape, ``matrix`` the axes of a matrix."""

    name: str
    type: str
    value: Any
    notes: str | None = None
    x_axis: Any = None
    y_axis: Any = None
    auc: Auc | None = None
    is_chart: bool = False
    matrix: MatrixAxes | None = None


@dataclass(frozen=True)
class MetricGroup:
    name: str
    metrics: tuple[Metric, ...]

    @property
    def charts(self) -> tuple[Metric, ...]:
        return tuple(m for m in self.metrics if m.is_chart)

    @property
    def scalars(self) -> tuple[Metric, ...]:
        return tuple(m for m in self.metrics if not m.is_chart)


@dataclass(frozen=True)
class Evaluation:
    name: str
    blocks: tuple[Block, ...]


Block = Fields | Prose | Note | Table | MetricGroup | Evaluation


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    blocks: tuple[Block, ...]


class ApprovalState(StrEnum):
    """Whether the page shows a version approved through ``mcgov card approve``."""

    APPROVED = "approved"  # the record names this version and content, and the status is Approved
    NOT_CURRENT = "not-current"  # a record for another version or content, or the status is not Approved
    NONE = "none"  # no approval record (never approved through mcgov, or a content file)
    UNKNOWN = "unknown"  # the record could not be read


@dataclass(frozen=True)
class Approval:
    state: ApprovalState
    summary: str
    rows: tuple[Field, ...] = ()


@dataclass(frozen=True)
class Generated:
    """Who made the page and when (``at`` is given by the caller, so the same inputs give the same page)."""

    tool_version: str
    at: str | None = None


@dataclass(frozen=True)
class CoverageRow:
    """One requirement of a framework as the card meets it: ``status`` is the assessment's (``covered``,
    ``partial``, ``missing`` or ``not_evidenced_by_card``, then ``reason`` says why), ``status_text`` how it reads."""

    id: str
    title: str
    source: str
    status: str
    status_text: str
    evidence: tuple[str, ...]
    missing: tuple[str, ...]
    reason: str | None = None


@dataclass(frozen=True)
class Coverage:
    """The card assessed against a framework (``mcgov card render --framework``): the score (two decimals, rounded
    down), ``summary`` (rows per status), a caveat and one row per requirement, in the framework's order."""

    framework: str
    title: str
    version: str
    url: str
    score: str
    summary: str
    caveat: str
    rows: tuple[CoverageRow, ...]


@dataclass(frozen=True)
class CardView:
    """The page: header facts, the approval, the changes since an older version (when asked for), the card's
    non-empty sections, the coverage of a framework (when asked for), then an appendix of what the tool recorded
    (``mcgov.*`` provenance, parser notes, and the changes to them, which ``changes_note`` points to) and the
    generated-at line."""

    title: str
    info: tuple[Field, ...]
    risk_rating: str | None
    approval: Approval
    sections: tuple[Section, ...]
    appendix: tuple[Block, ...]
    generated: Generated
    changes: CardDiff | None = None
    changes_note: str | None = None
    coverage: Coverage | None = None
