"""Bulk reconcile: share every selected model card as the policy says, through batched RAM shares.

Modules: ``plan`` (pure), ``run`` (the adapter loop), ``report``. Import from the defining module; this file
exports nothing.
"""
