"""The one settings object of saksrobot.

Sources, highest priority first:

1. arguments given to :func:`load_settings` (used by tests and the demo);
2. environment variables ``SAKSROBOT_...``, nested with ``__``
   (``SAKSROBOT_ARCHIVE__BACKEND=ui``);
3. files in the secrets folder named by ``SAKSROBOT_SECRETS_DIR`` (one file per secret, named by
   its setting, e.g. ``archive__api_key``, ``web__oidc__client_secret``), kept outside the repository;
4. ``config/local.toml`` (git-ignored, per machine), then ``config/saksrobot.toml`` (defaults).

Secrets are ``SecretStr`` and never read from ``config/``. Load the settings once at the edge
(CLI, keyword library import) and pass them in; nothing else reads ``os.environ``.
"""

from __future__ import annotations

import os
import re
from datetime import date, time
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    NestedSecretsSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from saksrobot.errors import ConfigurationError


def project_root() -> Path:
    """The folder holding ``config/``: ``SAKSROBOT_HOME``, else the source checkout, else cwd."""
    if home := os.environ.get("SAKSROBOT_HOME"):
        return Path(home).resolve()
    checkout = Path(__file__).resolve().parents[2]
    return checkout if (checkout / "config").is_dir() else Path.cwd()


class Backend(StrEnum):
    API = "api"
    UI = "ui"


class _Section(BaseModel):
    model_config = {"extra": "forbid"}


class SystemSettings(_Section):
    """How robots reach a target system, through its API or its web UI."""

    backend: Backend = Backend.API
    base_url: str
    api_key: SecretStr | None = None
    username: str = "robot"
    password: SecretStr | None = None
    timeout_seconds: float = Field(30.0, gt=0)
    retries: int = Field(3, ge=0, le=10)  # retries of an application error (HTTP 5xx, time-out, lost session)
    retry_backoff_seconds: float = Field(0.5, ge=0)
    max_sessions: int | None = Field(None, ge=1)  # robot runs using the system at once, on all workers (licences)
    # UI label overrides, for when the system renames a field: {"Offentlig tittel": "Sakstittel"}
    labels: dict[str, str] = {}

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")


class ArchiveSettings(SystemSettings):
    """How robots reach the archive system (Public 360 style)."""

    base_url: str = "http://127.0.0.1:8360"
    client_id: str = "saksrobot"  # the SIF `clientid` header: the integration the api key belongs to
    unit_category: str = "recno:1"  # the contact category of the municipality's own units (GetEnterprises)
    # the additional field on documents that holds a journal post's key (docs/adr/0007): a site creates it
    document_key_field: str = "CF_SaksrobotId"
    document_key_label: str = "Saksrobot-ID"  # its label in the archive's web pages (the ui back-end)
    # also look cases up by the external id form of releases before 0.2 (Type "saksrobot", Id "<robot>:<key>")
    read_legacy_external_ids: bool = True


class SchoolAdminSettings(SystemSettings):
    """How robots reach the school-admin system (Public Oppvekst style)."""

    backend: Backend = Backend.UI
    base_url: str = "http://127.0.0.1:8361"


class BrowserSettings(_Section):
    """The Chromium that the ``ui`` back-ends drive through Playwright."""

    executable_path: Path | None = None  # None: Playwright's own Chromium, else the system's
    headless: bool = True
    args: list[str] = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                       "--disable-component-update"]
    screenshots_on_failure: bool = False
    trace_on_failure: bool = False
    timeout_seconds: float = Field(15.0, gt=0)


class FaultSettings(_Section):
    """Faults the simulators inject, to test robots against a flaky system."""

    latency_ms: int = Field(0, ge=0)
    error_rate: float = Field(0.0, ge=0, le=1)
    session_timeout_minutes: float = Field(0, ge=0)  # 0: UI sessions never expire
    renamed_labels: dict[str, str] = {}
    seed: int | None = None


class SimulatorSettings(_Section):
    """The simulated archive and school-admin systems (they share credentials and faults)."""

    host: str = "127.0.0.1"
    archive_port: int = Field(8360, ge=1, le=65535)
    archive_database_url: str = "sqlite:///var/archive-sim.db"
    schooladmin_port: int = Field(8361, ge=1, le=65535)
    schooladmin_database_url: str = "sqlite:///var/schooladmin-sim.db"
    api_key: SecretStr | None = None  # None: a random key is made at start
    client_id: str = "saksrobot"  # the archive's SIF `clientid` the api key belongs to
    password: SecretStr | None = None  # password of every simulator user; None: random
    faults: FaultSettings = FaultSettings()


class PptSettings(_Section):
    """Where the ppt_referrals robot files PPT cases and referrals in the archive."""

    responsible_unit: str = "Pedagogisk-psykologisk tjeneste (PPT)"
    access_group: str = "PPT"


class InvoiceSettings(_Section):
    """Where the invoices robot takes EHF files from and files them."""

    folder: Path = Path("var/invoices")  # inbox/ (the access point delivers here), processed/, rejected/
    max_bytes: int = Field(20_000_000, gt=0)  # larger files are rejected unread
    settle_seconds: float = Field(5, ge=0)  # a file changed more recently may still be being written
    references: Path = Path("config/invoice_references.toml")  # the routing register finance staff keep
    case_unit: str = "Økonomiavdelingen"  # responsible unit of the suppliers' invoice cases
    # "official": the Peppol BIS Billing release in validation_artefacts (its two XSLT files) decides;
    # "builtin": saksrobot's own checks only (a subset; every run says so)
    validation: Literal["official", "builtin"] = "official"
    validation_artefacts: Path | None = None  # the folder of the release the site validates against


class IdentitySettings(_Section):
    allow_synthetic_fnr: bool = True  # Tenor test numbers (month + 80) never occur in real data
    allow_h_number: bool = False


class DatabaseSettings(_Section):
    url: str = "sqlite:///var/saksrobot.db"


class WorkItemSettings(_Section):
    """The durable queue between a source and a robot."""

    lease_minutes: float = Field(10, gt=0)  # a consumer that dies frees its item after this long
    max_attempts: int = Field(3, ge=1, le=20)  # application errors, in all, before ``failed``
    backoff_seconds: float = Field(60, ge=0)  # doubled for each attempt
    encryption_key: SecretStr | None = None  # seals the personal fields of items (a secret: env or secrets folder)
    retention_days: float = Field(30, ge=0)  # personal fields are removed this long after an item is settled
    # an item's first attempt creates its case/journal post without looking it up first; false
    # looks up before every create (for an archive that may hold cases of items this database
    # never had, e.g. after the work-item database was started afresh)
    skip_lookup_on_first_attempt: bool = True


class Baseline(_Section):
    """A nullpunktsmåling of one process: how long the manual work took, from a date on."""

    version: str
    valid_from: date
    manual_minutes: float = Field(gt=0)
    saving_share: float = Field(1.0, ge=0, le=1)
    followup_minutes: float = Field(0, ge=0)
    planned_items_per_year: int = Field(0, ge=0)
    gevinstansvarlig: str = ""


class Rate(_Section):
    """Dated constants for money and årsverk, with their source."""

    valid_from: date
    hours_per_arsverk: float = Field(1695, gt=0)
    hourly_cost_nok: float = Field(gt=0)
    source: str


class GevinstSettings(_Section):
    """Baselines per process (versioned by date) and the dated rates table."""

    baselines: dict[str, list[Baseline]] = {}
    rates: list[Rate] = []
    plan: Path = Path("config/gevinst_plan.toml")  # gevinstrealiseringsplan and realised budget gains

    def baseline(self, process: str, on: date) -> Baseline | None:
        """The baseline of ``process`` in force on ``on``: the latest one valid from that day or before."""
        valid = [b for b in self.baselines.get(process, []) if b.valid_from <= on]
        return max(valid, key=lambda b: b.valid_from) if valid else None


class SchedulerSettings(_Section):
    """When robots run: the organisation's calendar and the defaults of a new schedule."""

    closed_days: list[str] = ["12-24", "12-31"]  # MM-DD every year, besides the public holidays
    closed_dates: list[date] = []  # single closed days, e.g. a moving day for the archive
    misfire_grace_minutes: int = Field(60, ge=0)  # a run missed by less (service down) still runs once
    max_run_minutes: int = Field(120, gt=0)  # a run is stopped after this long
    sync_seconds: float = Field(30, gt=0)  # how often the service reads schedule changes made elsewhere (CLI)

    @field_validator("closed_days")
    @classmethod
    def _month_days(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                date.fromisoformat(f"2000-{value}")  # a leap year: 02-29 is allowed
            except ValueError:
                raise ValueError(f"{value!r} is not MM-DD") from None
        return values


class RunnerSettings(_Section):
    """Where runs run: ``local`` (a process on this machine, the embedded default) or ``workers``
    (jobs in procrastinate's queue on PostgreSQL, taken by ``saksrobot worker`` on any machine)."""

    mode: Literal["local", "workers"] = "local"
    heartbeat_seconds: float = Field(10, gt=0)  # how often a worker says it is alive
    stalled_seconds: float = Field(60, gt=0)  # a worker silent this long is dead: its runs go elsewhere
    slot_wait_seconds: float = Field(2, gt=0)  # how often a run waiting for a system's session looks again


class RobotSettings(_Section):
    """What one robot is called and needs (``[robots.<name>]``)."""

    title: str = ""  # its name for staff, in Norwegian (empty: the code name)
    description: str = ""  # what it does, one sentence for staff

    queue: str = "default"  # the capability a worker must offer to run it (e.g. browser, api, sak-360)
    systems: list[Literal["archive", "schooladmin"]] = ["archive"]  # sessions it holds (max_sessions)
    parallel: int = Field(1, ge=1, le=16)  # workers: runs of its consumer at once for a backlog (items split by lease)


class OidcSettings(_Section):
    """Single sign-on to the control room with the municipality's OpenID Connect provider
    (``[web.oidc]``, see docs/control-room.md)."""

    enabled: bool = False
    issuer: str = ""  # exactly as the provider's ID tokens name it; discovery at <issuer>/.well-known/...
    client_id: str = ""
    client_secret: SecretStr | None = None  # a secret: env SAKSROBOT_WEB__OIDC__CLIENT_SECRET or the secrets folder
    scopes: str = "openid profile email"
    username_claim: str = "preferred_username"  # the user name of a user made at their first log-in
    group_claims: list[str] = ["groups", "roles"]  # the claims that hold the user's groups or app roles
    # a group (or role) value → the control-room role it gives; in several groups, the strongest counts
    # (admin > operator > manager); in none, no log-in
    role_claims: dict[str, Literal["operator", "manager", "admin"]] = {}
    button_label: str = "Logg inn med kommunens konto"
    timeout_seconds: float = Field(10, gt=0)  # for each request to the provider

    @model_validator(mode="after")
    def _complete(self) -> OidcSettings:
        if self.enabled and not (self.issuer and self.client_id):
            raise ValueError("web.oidc.enabled needs web.oidc.issuer and web.oidc.client_id")
        if self.issuer and not self.issuer.startswith(("https://", "http://")):
            raise ValueError("web.oidc.issuer must start with https:// (or http:// for a test provider)")
        return self


class WebSettings(_Section):
    """The control room (``saksrobot serve``)."""

    host: str = "127.0.0.1"
    port: int = Field(8400, ge=0, le=65535)
    session_secret: SecretStr | None = None  # None: a random one at start (sessions end at a restart)
    session_minutes: int = Field(480, gt=0)
    https_only: bool = False  # set true behind TLS: the session cookie is then sent over HTTPS only
    login_attempts: int = Field(5, ge=1)  # failed log-ins per user name or address ...
    login_window_minutes: float = Field(15, gt=0)  # ... within this window, then a pause
    # addresses (or networks, "10.0.0.0/8") of reverse proxies whose X-Forwarded-For/-Proto is
    # believed; empty: nobody's, the connecting address is the client (see docs/control-room.md)
    trusted_proxies: list[str] = []
    oidc: OidcSettings = OidcSettings()


class LoggingSettings(_Section):
    level: str = "INFO"


class AlertSettings(_Section):
    """E-mail alerts to operators (docs/alerts.md): SMTP with STARTTLS and log-in, and the rules' thresholds."""

    enabled: bool = False  # the scheduler service checks the rules every ``check_seconds``
    smtp_host: str = ""
    smtp_port: int = Field(587, ge=1, le=65535)
    starttls: bool = True
    smtp_username: str = ""  # empty: no log-in (a relay that trusts the address)
    smtp_password: SecretStr | None = None  # a secret: env SAKSROBOT_ALERTS__SMTP_PASSWORD or the secrets folder
    sender: str = ""  # the From address, e.g. saksrobot@kommune.no
    ca_file: Path | None = None  # a private CA the SMTP server's certificate is signed by (None: the system's)
    timeout_seconds: float = Field(30, gt=0)
    base_url: str = "http://127.0.0.1:8400"  # the control room's address, for the links in the mails
    group_minutes: float = Field(60, ge=0)  # at most one mail per rule and subject per this period
    check_seconds: float = Field(60, gt=0)
    stale_days: float = Field(3, gt=0)  # a scheduled robot without a succeeded run this long
    manual_queue_max: int = Field(20, ge=0)  # items waiting for manual handling, per robot, before an alert
    manual_age_days: float = Field(5, gt=0)  # ... or the oldest of them waiting longer than this
    daily_summary: bool = False  # yesterday's runs, items and hours saved, for managers
    daily_summary_time: str = "07:30"  # HH:MM, Oslo time

    @field_validator("base_url")
    @classmethod
    def _http_base(cls, value: str) -> str:
        return SystemSettings._http_url(value)

    @field_validator("daily_summary_time")
    @classmethod
    def _clock_time(cls, value: str) -> str:
        try:
            time.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not HH:MM") from None
        return value

    @model_validator(mode="after")
    def _complete(self) -> AlertSettings:
        if self.smtp_username and not self.starttls:
            raise ValueError("alerts.smtp_username without alerts.starttls would send the password unencrypted")
        if self.enabled and not (self.smtp_host and self.sender):
            raise ValueError("alerts.enabled needs alerts.smtp_host and alerts.sender")
        return self


class Settings(BaseSettings):
    """Effective configuration of saksrobot. See the module docstring for sources."""

    model_config = SettingsConfigDict(
        env_prefix="SAKSROBOT_",
        env_nested_delimiter="__",
        secrets_prefix="",  # a secrets file is named by its setting: archive__api_key, alerts__smtp_password
        secrets_nested_delimiter="__",
        extra="forbid",
        case_sensitive=False,
    )

    home: Path = Field(default_factory=project_root)
    logs_dir: Path = Path("logs")
    dry_run: bool = False  # set by `saksrobot run --dry-run`: read and decide everything, write nothing
    database: DatabaseSettings = DatabaseSettings()
    archive: ArchiveSettings = ArchiveSettings()
    schooladmin: SchoolAdminSettings = SchoolAdminSettings()
    browser: BrowserSettings = BrowserSettings()
    simulators: SimulatorSettings = SimulatorSettings()
    identity: IdentitySettings = IdentitySettings()
    ppt: PptSettings = PptSettings()
    invoices: InvoiceSettings = InvoiceSettings()
    workitems: WorkItemSettings = WorkItemSettings()
    gevinst: GevinstSettings = GevinstSettings()
    scheduler: SchedulerSettings = SchedulerSettings()
    web: WebSettings = WebSettings()
    runner: RunnerSettings = RunnerSettings()
    robots: dict[str, RobotSettings] = {}
    logging: LoggingSettings = LoggingSettings()
    alerts: AlertSettings = AlertSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        config = project_root() / "config"
        files = [p for p in (config / "saksrobot.toml", config / "local.toml") if p.exists()]
        # secrets files named by their setting (archive__api_key), then, as before, a file per section
        # holding JSON (saksrobot_archive: {"api_key": ...})
        return (init_settings, env_settings, NestedSecretsSettingsSource(file_secret_settings), file_secret_settings,
                TomlConfigSettingsSource(settings_cls, toml_file=files, deep_merge=True))  # local adds to defaults

    def robot(self, name: str) -> RobotSettings:
        """What ``robot`` needs: its ``[robots.<name>]`` section, else the defaults."""
        return self.robots.get(name, RobotSettings())

    def robot_titles(self) -> dict[str, str]:
        """Code name → the robot's name for staff, of the robots that have one."""
        return {name: robot.title for name, robot in self.robots.items() if robot.title}

    def robot_title(self, name: str) -> str:
        """The robot's name for staff (its code name when it has no title)."""
        return self.robot(name).title or name

    def path(self, value: Path | str) -> Path:
        """Resolve a path setting against the project folder."""
        value = Path(value)
        return value if value.is_absolute() else self.home / value

    def sqlite_ready(self, url: str) -> str:
        """Make a relative ``sqlite:///`` URL absolute under the project and create its folder."""
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
            file = self.path(url[len(prefix):])
            file.parent.mkdir(parents=True, exist_ok=True)
            return prefix + str(file)
        return url

    def redacted(self) -> dict[str, Any]:
        """The effective settings as plain data, secrets shown as ``**********``, also a password
        written into a URL (``postgresql://user:password@host/db``)."""
        return _hide_url_passwords(self.model_dump(mode="json"))


_URL_PASSWORD = re.compile(r"(://[^:/@\s]+:)[^@\s]+@")


def _hide_url_passwords(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _hide_url_passwords(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_hide_url_passwords(v) for v in value]
    return _URL_PASSWORD.sub(r"\1**********@", value) if isinstance(value, str) else value


def load_settings(**overrides: Any) -> Settings:
    """Load the settings once, failing fast with a message that names each wrong setting."""
    secrets_dir = os.environ.get("SAKSROBOT_SECRETS_DIR")
    try:
        if secrets_dir:
            return Settings(_secrets_dir=secrets_dir, **overrides)
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigurationError(f"Invalid setting(s): {problems}", code="invalid_setting") from None
