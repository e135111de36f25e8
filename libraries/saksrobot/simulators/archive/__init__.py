"""The archive simulator (Public 360 style). Contract: docs/archive-simulator.md."""
