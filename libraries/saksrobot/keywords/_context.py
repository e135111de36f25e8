"""Finding the other keyword libraries of the running suite (at call time, never at import)."""

from __future__ import annotations

from typing import TypeVar

from robot.libraries.BuiltIn import BuiltIn

from saksrobot.errors import ApplicationError

L = TypeVar("L")


def suite_library(kind: type[L]) -> L:
    """The instance of keyword library ``kind`` imported in the running suite."""
    for instance in BuiltIn().get_library_instance(all=True).values():
        if isinstance(instance, kind):
            return instance
    raise ApplicationError(f"{kind.__name__} is not imported in this suite", code="not_imported")
