"""EventBridge for the emulator: event patterns, the bus log, rule delivery to targets, and the event hub that
delivers on the emulator clock (RAM state-change events, EventBridge Scheduler, DynamoDB TTL deletion)."""
