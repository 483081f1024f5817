"""DynamoDB for the emulator: Time to Live deletion on the emulator clock (opt-in)."""
