"""The Step Functions workflows as shipped: the authored ASL (package data) and the loader that applies settings."""
