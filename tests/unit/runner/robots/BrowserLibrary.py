"""Test support: start the run's Chromium as a ui back-end does, then leave it open."""

from saksrobot.screens import _shared
from saksrobot.settings import load_settings


def open_a_browser() -> None:
    _shared.acquire(load_settings().browser)
