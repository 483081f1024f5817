"""EventBridge Scheduler for the emulator: schedule expressions and schedules that fire on the emulator clock."""
