"""Test support: a consumer handler that creates the case and then dies with SIGKILL, between the
archive's answer and the work item being marked done (the worst moment)."""

import os
import signal

from robot.api.deco import keyword, library
from robot.libraries.BuiltIn import BuiltIn

from saksrobot.keywords import CaseRequestsLibrary


@library(scope="SUITE")
class CrashLibrary:
    def __init__(self, die_after: int) -> None:
        self.handled, self.die_after = 0, int(die_after)

    @keyword
    def create_case_and_die(self, item):  # noqa: ANN001, ANN201 - a test double
        requests = next(i for i in BuiltIn().get_library_instance(all=True).values()
                        if isinstance(i, CaseRequestsLibrary))
        result = requests.create_case_for_work_item(item)
        self.handled += 1
        if self.handled >= self.die_after:
            os.kill(os.getpid(), signal.SIGKILL)
        return result
