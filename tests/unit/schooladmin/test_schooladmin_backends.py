"""Both school-admin back-ends against the real simulator: the same reads, the same writes."""

import httpx
import pytest

from saksrobot.errors import BusinessError
from saksrobot.schooladmin import open_school_admin
from saksrobot.settings import Backend, load_settings

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def schools(sims):
    httpx.post(f"{sims.schooladmin_url}/_sim/reset", headers={"Authorization": f"authkey {sims.api_key}"})
    settings = load_settings(schooladmin={"base_url": sims.schooladmin_url, "api_key": sims.api_key,
                                          "password": sims.password, "retries": 0})
    with open_school_admin(settings, Backend.API) as api, open_school_admin(settings, Backend.UI) as ui:
        yield {"api": api, "ui": ui}


def comparable(referral):
    """The UI does not show an attachment's size or type."""
    return referral.model_dump(exclude={"attachments": {"__all__": {"size", "mime"}}})


def test_lists_children_and_referrals_alike(schools):
    api, ui = schools["api"], schools["ui"]
    assert ui.children_without_folder() == api.children_without_folder()
    assert ui.new_referrals() == api.new_referrals()
    for child_id in ("E-1005", "B-2003", "E-1010"):
        assert ui.child(child_id).model_dump(exclude={"unit": {"id"}}) == api.child(child_id).model_dump(
            exclude={"unit": {"id"}})
    for referral_id in api.new_referrals():
        assert comparable(ui.referral(referral_id)) == comparable(api.referral(referral_id)), referral_id
    assert ui.is_registered(api.child("E-1005").fnr) and not ui.is_registered("05851550048")


def test_downloads_the_same_attachments(schools):
    referral = schools["api"].referral("H-2026-0101")
    via_ui, via_api = schools["ui"].attachments(referral), schools["api"].attachments(referral)
    assert [a.data for a in via_ui] == [a.data for a in via_api]
    assert all(a.data.startswith(b"%PDF") for a in via_ui) and len(via_ui) == 2


@pytest.mark.parametrize("backend", ["api", "ui"])
def test_records_are_idempotent_and_conflicts_are_business_errors(schools, backend):
    school = schools[backend]
    child_id, referral_id = {"api": ("E-1008", "H-2026-0109"), "ui": ("E-1009", "H-2026-0110")}[backend]
    school.record_folder(child_id, "26/00901")
    school.record_folder(child_id, "26/00901")
    assert schools["api"].child(child_id).folder_case_number == "26/00901"
    with pytest.raises(BusinessError, match="26/00901"):
        school.record_folder(child_id, "26/00902")
    school.mark_processed(referral_id, "26/00903")
    school.mark_processed(referral_id, "26/00903")
    assert schools["api"].referral(referral_id).status == "behandlet"
    with pytest.raises(BusinessError):
        school.mark_processed(referral_id, "26/00904")
    with pytest.raises(BusinessError, match="ÅÅ/NNNNN"):
        school.mark_processed(referral_id, "2026-4")
