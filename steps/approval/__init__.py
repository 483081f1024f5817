"""Approval bound to the reviewed version: who approved which version and content, kept where only the card
account can write it (tags on the card: RAM's model-card permissions grant consumers no tagging)."""
from mcgov.steps.approval.check import approval_problem
from mcgov.steps.approval.records import ApprovalRecord
from mcgov.steps.approval.service import ApprovalResult, approve_card
from mcgov.steps.approval.store import ApprovalStore

__all__ = ["ApprovalRecord", "ApprovalResult", "ApprovalStore", "approval_problem", "approve_card"]
