"""The product's exception classes: few (a class earns its place when a caller catches it by name, or when it is a
package root), and one class of bad input that builds the ``source: field: message`` prefix once."""

from __future__ import annotations

import importlib
import pkgutil

import mcgov.share_policies
import mcgov.steps
from mcgov.errors import BadInputError

MAX_CLASSES = 25


def product_exception_classes() -> list[type[BaseException]]:
    """Every exception class defined in ``mcgov`` (root modules), ``mcgov.steps`` and ``mcgov.share_policies``."""
    names = ["mcgov.errors", "mcgov.parsing", "mcgov.identifiers"]
    for package in (mcgov.steps, mcgov.share_policies):
        names += [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
    found: dict[str, type[BaseException]] = {}
    for name in names:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, BaseException) and value.__module__ == name:
                found[f"{name}.{value.__qualname__}"] = value
    return [found[k] for k in sorted(found)]


def test_the_product_defines_at_most_25_exception_classes():
    classes = product_exception_classes()
    assert len(classes) <= MAX_CLASSES, [c.__qualname__ for c in classes]
    assert BadInputError in classes


def test_no_subclass_of_bad_input_builds_its_own_message_prefix():
    overriding = [
        c.__qualname__
        for c in product_exception_classes()
        if c is not BadInputError and issubclass(c, BadInputError) and "__init__" in vars(c)
    ]
    assert overriding == []


def test_bad_input_names_source_and_field_once():
    error = BadInputError("must be a number", source="policy.yaml", field="gate.timeout_seconds")
    assert str(error) == "policy.yaml: gate.timeout_seconds: must be a number"
    assert (error.source, error.field, error.detail) == ("policy.yaml", "gate.timeout_seconds", "must be a number")
    assert str(BadInputError("no prefix")) == "no prefix" and not BadInputError("x").retryable
