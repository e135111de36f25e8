"""The ui back-end when the archive's screens change or its sessions expire."""

import time

import httpx
import pytest

from saksrobot.archive import open_archive
from saksrobot.errors import ApplicationError, ConfigurationError
from saksrobot.settings import Backend, load_settings

pytestmark = pytest.mark.browser


def set_faults(sims, **faults):
    httpx.post(f"{sims.archive_url}/_sim/faults", json=faults,
               headers={"Authorization": f"authkey {sims.api_key}"}).raise_for_status()


def test_a_renamed_label_is_reported_naming_the_field(sims, pupil_folder):
    set_faults(sims, renamed_labels={"Offentlig tittel": "Sakstittel"})
    try:
        settings = load_settings(archive={"base_url": sims.archive_url, "password": sims.password, "retries": 0})
        with open_archive(settings, Backend.UI) as ui, pytest.raises(ApplicationError, match="«Offentlig tittel»"):
            ui.create_case(pupil_folder("renamed"))
        fixed = settings.model_copy(update={"archive": settings.archive.model_copy(
            update={"labels": {"Offentlig tittel": "Sakstittel"}})})
        with open_archive(fixed, Backend.UI) as ui:
            assert ui.create_case(pupil_folder("renamed")).created
    finally:
        set_faults(sims, renamed_labels={})


def test_an_expired_session_is_renewed_by_logging_in_again(sims, pupil_folder):
    set_faults(sims, session_timeout_minutes=0.05)  # 3 s
    try:
        settings = load_settings(archive={"base_url": sims.archive_url, "password": sims.password, "retries": 4,
                                          "retry_backoff_seconds": 0})
        with open_archive(settings, Backend.UI) as ui:
            first = ui.create_case(pupil_folder("expiry-1"))
            time.sleep(3.5)
            second = ui.create_case(pupil_folder("expiry-2"))
        assert first.created and second.created and first.case_number != second.case_number
    finally:
        set_faults(sims, session_timeout_minutes=0)


def test_a_wrong_password_is_reported_not_retried(sims, pupil_folder):
    settings = load_settings(archive={"base_url": sims.archive_url, "password": "wrong", "retries": 3,
                                      "retry_backoff_seconds": 0})
    with open_archive(settings, Backend.UI) as ui, pytest.raises(ConfigurationError, match="Innlogging"):
        ui.create_case(pupil_folder("wrong-password"))
