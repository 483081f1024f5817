"""Example churn pipeline (SageMaker Projects seed-code shape) with model-card governance steps."""
