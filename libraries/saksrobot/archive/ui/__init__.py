"""The archive's web UI driven by Playwright (the ``ui`` back-end)."""

from saksrobot.archive.ui.client import UiArchive

__all__ = ["UiArchive"]
