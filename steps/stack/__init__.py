"""The deployable stack, shipped in the package: the CloudFormation template (``governance.yaml``, package data) and
the Lambda packager, so ``mcgov stack template`` and ``mcgov stack package`` work from a wheel install."""
