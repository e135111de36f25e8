"""Runs on a pool of workers (``runner.mode = "workers"``, PostgreSQL): the scheduler, **Kjør nå** and
``saksrobot run --queue`` defer a job to procrastinate's queue; ``saksrobot worker`` on any machine
takes the jobs of the queues it serves and runs them as it would locally. procrastinate keeps one
run per robot at a time (the job's ``lock``, and a ``queueing_lock`` so that a robot is queued once),
the workers' heartbeats and the retries; saksrobot adds the per-system session cap
(:mod:`~saksrobot.workers.slots`), its own worker list and, on a dead worker, the run marked lost and
given to another worker (:mod:`~saksrobot.workers.service`). See docs/scale-out.md."""
