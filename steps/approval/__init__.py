"""Approval bound to the reviewed version: who approved which version and content, kept where only the card
account can write it (tags on the card: RAM's model-card permissions grant consumers no tagging).

Modules: ``tags`` (the record and its tag codec, pure), ``check`` (pure), ``store`` (tags and STS adapter),
``service`` (``mcgov card approve``). Import what you use from its module; this file exports nothing.
"""
