"""The school-admin system's web UI driven by Playwright (the ``ui`` back-end)."""

from saksrobot.schooladmin.ui.client import UiSchoolAdmin

__all__ = ["UiSchoolAdmin"]
