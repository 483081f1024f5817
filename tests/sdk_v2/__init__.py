"""Tests that need the stepfunctions SDK, which imports under sagemaker v2 only: `make test-v2` runs them."""
