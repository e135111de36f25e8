import json

import pytest
from typer.testing import CliRunner

from saksrobot.cli import app
from saksrobot.errors import ConfigurationError
from saksrobot.settings import Backend, load_settings


def test_defaults_come_from_config_file():
    settings = load_settings()
    assert settings.archive.backend is Backend.API
    assert settings.archive.base_url == "http://127.0.0.1:8360"
    assert settings.browser.screenshots_on_failure is False


def test_environment_overrides_nested(monkeypatch):
    monkeypatch.setenv("SAKSROBOT_ARCHIVE__BACKEND", "ui")
    monkeypatch.setenv("SAKSROBOT_SIMULATORS__FAULTS__ERROR_RATE", "0.25")
    settings = load_settings()
    assert settings.archive.backend is Backend.UI
    assert settings.simulators.faults.error_rate == 0.25


@pytest.mark.parametrize(("name", "value", "named"), [
    ("SAKSROBOT_ARCHIVE__BACKEND", "ftp", "archive.backend"),
    ("SAKSROBOT_ARCHIVE__RETRIES", "many", "archive.retries"),
    ("SAKSROBOT_ARCHIVE__BASE_URL", "localhost:8360", "archive.base_url"),
    ("SAKSROBOT_SIMULATORS__FAULTS__ERROR_RATE", "2", "simulators.faults.error_rate"),
])
def test_wrong_setting_fails_fast_naming_it(monkeypatch, name, value, named):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=named.replace(".", r"\.")):
        load_settings()


def test_secrets_from_secrets_dir_and_hidden(tmp_path, monkeypatch):
    (tmp_path / "saksrobot_archive").write_text('{"api_key": "s3cret-key"}')
    monkeypatch.setenv("SAKSROBOT_SECRETS_DIR", str(tmp_path))
    monkeypatch.setenv("SAKSROBOT_ARCHIVE__PASSWORD", "hunter2")
    settings = load_settings()
    assert settings.archive.password.get_secret_value() == "hunter2"
    assert settings.archive.api_key.get_secret_value() == "s3cret-key"
    dumped = json.dumps(settings.redacted())
    assert "hunter2" not in dumped


def test_a_secrets_file_is_named_by_its_setting(tmp_path, monkeypatch):
    for name, value in {"archive__api_key": "nøkkel-1", "workitems__encryption_key": "nøkkel-2",
                        "web__oidc__client_secret": "nøkkel-3"}.items():
        (tmp_path / name).write_text(value, encoding="utf-8")
    monkeypatch.setenv("SAKSROBOT_SECRETS_DIR", str(tmp_path))
    settings = load_settings()
    assert [secret.get_secret_value() for secret in (
        settings.archive.api_key, settings.workitems.encryption_key, settings.web.oidc.client_secret)] == [
        "nøkkel-1", "nøkkel-2", "nøkkel-3"]


def test_config_show_hides_secrets(monkeypatch):
    monkeypatch.setenv("SAKSROBOT_ARCHIVE__API_KEY", "top-secret-key")
    result = CliRunner().invoke(app, ["config", "show"])
    assert result.exit_code == 0
    assert "top-secret-key" not in result.output
    assert '"backend": "api"' in result.output


def test_config_show_names_a_wrong_setting(monkeypatch):
    monkeypatch.setenv("SAKSROBOT_ARCHIVE__TIMEOUT_SECONDS", "-1")
    result = CliRunner().invoke(app, ["config", "show"])
    assert result.exit_code == 2
    assert "archive.timeout_seconds" in result.output


def test_a_password_in_a_database_url_is_hidden():
    settings = load_settings(database={"url": "postgresql+psycopg://saks:SuperHemmelig@db.kommune.no/saks"})
    shown = settings.redacted()
    assert shown["database"]["url"] == "postgresql+psycopg://saks:**********@db.kommune.no/saks"
    assert "SuperHemmelig" not in str(shown)
    assert load_settings().redacted()["database"]["url"] == "sqlite:///var/saksrobot.db"


def test_local_toml_adds_to_the_defaults_section_by_section(tmp_path, monkeypatch):
    """A site's config/local.toml changes what it names and keeps every other default (a robot's
    baseline added there does not drop the shipped robots' baselines)."""
    import shutil

    from saksrobot import settings as settings_module

    shutil.copytree(settings_module.project_root() / "config", tmp_path / "config")
    (tmp_path / "config" / "local.toml").write_text(
        '[archive]\nbase_url = "https://p360.kommune.no"\n\n[[gevinst.baselines.byggesoknader]]\nversion = "1"\n'
        'valid_from = 2026-01-01\nmanual_minutes = 10\n', encoding="utf-8")
    monkeypatch.setattr(settings_module, "project_root", lambda: tmp_path)
    settings = load_settings()
    assert settings.archive.base_url == "https://p360.kommune.no"
    assert settings.archive.document_key_field == "CF_SaksrobotId" and settings.archive.retries == 3
    assert {"archive_cases", "invoices", "byggesoknader"} <= set(settings.gevinst.baselines)
