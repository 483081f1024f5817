"""Notifications: the gate's, the approver's and the approval guard's decisions as EventBridge events (source
``mcgov``) on the bus the policy names (``notifications.event_bus_arn``; docs/notifications.md).

Modules: ``entries`` (the events, sanitized and within PutEvents' size limit; pure), ``bus`` (the PutEvents adapter:
a failure is returned, never raised). Import what you use from its module; this file exports nothing.
"""
