"""SageMaker URL routing for the emulator."""

from __future__ import annotations

from mcgov.emulator.sagemaker.responses import EmulatorSageMakerResponse

url_bases = [r"https?://api\.sagemaker\.(.+)\.amazonaws.com"]

url_paths = {
    "{0}/$": EmulatorSageMakerResponse.dispatch,
}
