import pytest

from saksrobot.errors import ApplicationError, BusinessError
from saksrobot.retry import Retry


def flaky(failures, error=ApplicationError):
    calls = []

    def call():
        calls.append(1)
        if len(calls) <= failures:
            raise error("down")
        return "ok"
    return call, calls


def test_application_errors_are_retried_with_doubling_backoff():
    pauses = []
    call, calls = flaky(2)
    assert Retry(3, 0.5, sleep=pauses.append)(call) == "ok"
    assert len(calls) == 3 and pauses == [0.5, 1.0]


def test_gives_up_after_the_last_retry():
    call, calls = flaky(10)
    with pytest.raises(ApplicationError):
        Retry(2, 0, sleep=lambda _: None)(call)
    assert len(calls) == 3


def test_business_errors_are_not_retried():
    call, calls = flaky(1, BusinessError)
    with pytest.raises(BusinessError):
        Retry(3, 0, sleep=lambda _: None)(call)
    assert len(calls) == 1
