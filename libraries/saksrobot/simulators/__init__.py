"""Simulators of the target systems (web UI + API on a real database), for demos and tests."""

from saksrobot.simulators.server import RunningSimulators, databases_in, running_simulators, serve_forever

__all__ = ["RunningSimulators", "databases_in", "running_simulators", "serve_forever"]
