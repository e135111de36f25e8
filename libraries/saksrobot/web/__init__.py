"""The control room: dashboard for archive staff and managers, served with the scheduler."""

from saksrobot.web.app import create_app
from saksrobot.web.serve import serve

__all__ = ["create_app", "serve"]
