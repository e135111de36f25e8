"""Test support: consumers that die with SIGKILL at the worst moment, just after the archive answered
and before anything else was recorded (the work item, the source system, the file)."""

import os
import signal

from robot.api.deco import keyword, library
from robot.libraries.BuiltIn import BuiltIn

from saksrobot.keywords import ArchiveLibrary, CaseRequestsLibrary


def _library(kind):  # noqa: ANN001, ANN202
    return next(i for i in BuiltIn().get_library_instance(all=True).values() if isinstance(i, kind))


@library(scope="SUITE")
class CrashLibrary:
    def __init__(self, die_after: int) -> None:
        self.handled, self.die_after = 0, int(die_after)

    def _count(self) -> None:
        self.handled += 1
        if self.handled >= self.die_after:
            os.kill(os.getpid(), signal.SIGKILL)

    @keyword
    def create_case_and_die(self, item):  # noqa: ANN001, ANN201 - a test double
        result = _library(CaseRequestsLibrary).create_case_for_work_item(item)
        self._count()
        return result

    @keyword
    def die_after_filing_journal_posts(self) -> None:
        """From now on, the process dies as soon as the archive has filed its ``die_after``-th
        journal post: before the robot records it anywhere."""
        archive = _library(ArchiveLibrary).archive
        original = archive.create_journal_post

        def file_then_maybe_die(post):  # noqa: ANN001, ANN202
            result = original(post)
            if result.created:
                self._count()
            return result

        archive.create_journal_post = file_then_maybe_die
