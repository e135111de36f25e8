"""The page-object base: where a page is, judged by its path (the login page's ?neste= does not count)."""

from dataclasses import dataclass

from saksrobot.screens import shows


@dataclass
class Page:  # the only attribute of a Playwright page that `shows` reads
    url: str


def test_the_login_page_is_not_the_page_it_will_lead_to():
    assert shows(Page("http://127.0.0.1:8360/saker/12"), "/saker/12")
    assert not shows(Page("http://127.0.0.1:8360/login?neste=/saker/12"), "/saker/12")
    assert not shows(Page("http://127.0.0.1:8360/saker/123"), "/saker/12")
    assert shows(Page("http://127.0.0.1:8361/henvisninger?status=ny"), "/henvisninger?status=ny")
