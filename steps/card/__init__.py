"""Model cards: build content from what a pipeline produced, validate it, publish it idempotently.

Import from the defining module (``mcgov.steps.card.service.populate_card``, ``mcgov.steps.card.store.CardStore``,
``mcgov.steps.card.validation.validate_content`` ...): this file exports nothing, so a Lambda that only reads
cards never loads the content models or the report parsers. Failure modes are in ``mcgov.steps.card.exceptions``.
"""
