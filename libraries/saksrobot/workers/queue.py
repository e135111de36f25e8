"""The job queue: procrastinate on saksrobot's PostgreSQL database, one task (run a robot)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import inspect, make_url
from sqlalchemy.engine import Engine

from saksrobot.errors import ApplicationError, ConfigurationError
from saksrobot.runner.lock import RobotBusy, lock_name
from saksrobot.settings import Settings

log = logging.getLogger(__name__)
TASK = "saksrobot.run_robot"


class RobotQueued(RobotBusy):
    """The robot waits in the queue already: a second request would only run it twice in a row."""

    code = "robot_queued"


def conninfo(settings: Settings) -> str:
    """The libpq address of saksrobot's database (procrastinate connects with psycopg itself)."""
    url = make_url(settings.database.url)
    if url.get_backend_name() != "postgresql":
        raise ConfigurationError("runner.mode = \"workers\" needs PostgreSQL (database.url = postgresql+psycopg://…); "
                                 "the embedded SQLite database runs robots locally")
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def make_app(settings: Settings, run: Any = None) -> Any:
    """procrastinate's app on our database, with the task that runs a robot (``run(context,
    robot, started_by, timeout)``: given on a worker, absent where jobs are only deferred)."""
    import procrastinate

    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(settings)))
    app.task(name=TASK, pass_context=True)(run or _not_here)
    return app


def _not_here(*_: Any, **__: Any) -> None:  # pragma: no cover - a worker registers the real task
    raise ApplicationError("Only a saksrobot worker runs robot jobs")


def ensure_schema(engine: Engine) -> None:
    """procrastinate's tables in our database, created once (under the lock of schema changes)."""
    if inspect(engine).has_table("procrastinate_jobs"):
        return
    from saksrobot.database.schema import exclusive, procrastinate_jobs

    with exclusive(engine) as connection:
        log.info("%s", procrastinate_jobs(connection))


def defer_run(settings: Settings, robot: str, started_by: str, timeout: float | None, *, part: int = 0,
              variables: dict[str, str] | None = None) -> int:
    """Put a run of ``robot`` (or of its extra consumer ``part``) in its queue (``[robots.<name>]
    queue``), stopped after ``timeout`` seconds (default: ``scheduler.max_run_minutes``); the job's id.
    :class:`RobotQueued` if that run waits in the queue already."""
    from procrastinate.exceptions import AlreadyEnqueued

    name = f"robot:{lock_name(robot, part)}"
    app = make_app(settings)
    with app.open():
        task = app.tasks[TASK].configure(queue=settings.robot(robot).queue, lock=name, queueing_lock=name)
        try:
            return task.defer(robot=robot, started_by=started_by, part=part,
                              timeout=timeout or settings.scheduler.max_run_minutes * 60,
                              variables=variables or {})
        except AlreadyEnqueued:
            raise RobotQueued(f"{robot} står allerede i kø og startes når en arbeider er ledig") from None
