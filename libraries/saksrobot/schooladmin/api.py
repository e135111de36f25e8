"""The ``api`` back-end: the school-admin system's JSON API over HTTP."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from saksrobot.errors import ApplicationError, BusinessError, ConfigurationError
from saksrobot.schooladmin.client import SchoolAdmin
from saksrobot.schooladmin.models import Attachment, Child, Referral, validated
from saksrobot.settings import Settings

log = logging.getLogger(__name__)


class ApiSchoolAdmin(SchoolAdmin):
    """The school-admin system through ``/api/v1``, authenticated by ``authkey``."""

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None) -> None:
        super().__init__(settings)
        key = settings.schooladmin.api_key
        if key is None:
            raise ConfigurationError("schooladmin.api_key is not set (SAKSROBOT_SCHOOLADMIN__API_KEY)")
        self._http = httpx.Client(base_url=settings.schooladmin.base_url + "/api/v1",
                                  headers={"Authorization": f"authkey {key.get_secret_value()}"},
                                  timeout=settings.schooladmin.timeout_seconds, transport=transport)

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise ApplicationError(f"Oppvekstsystemet svarer ikke ({type(exc).__name__})",
                                   code="unreachable") from None
        if response.status_code == 401:
            raise ConfigurationError("The school-admin system refused schooladmin.api_key (HTTP 401)",
                                     code="unauthorized")
        if response.status_code >= 500:
            raise ApplicationError(f"Oppvekstsystemet svarte med feil (HTTP {response.status_code})",
                                   code="server_error")
        if response.status_code in (404, 409, 422):
            detail = _detail(response)
            code = {404: "not_found", 409: "conflict", 422: "refused"}[response.status_code]
            raise BusinessError(detail or f"Oppvekstsystemet avviste forespørselen (HTTP {response.status_code})",
                                code=code)
        if response.status_code != 200:
            raise ApplicationError(f"Uventet svar fra oppvekstsystemet på {method} {path} "
                                   f"(HTTP {response.status_code})", code="unexpected_response")
        return response

    def _children_without_folder(self) -> list[str]:
        return [c["id"] for c in self._call("GET", "/children", params={"without_folder": "true"}).json()]

    def _child(self, child_id: str) -> Child:
        return validated(Child, self._call("GET", f"/children/{child_id}").json(), child_id)

    def _children_with_fnr(self, fnr: str) -> list[str]:
        return [c["id"] for c in self._call("GET", "/children", params={"fnr": fnr}).json()]

    def _record_folder(self, child_id: str, case_number: str) -> None:
        self._call("PUT", f"/children/{child_id}/folder", json={"case_number": case_number})
        log.info("Recorded folder %s for %s", case_number, child_id)

    def _new_referrals(self) -> list[str]:
        return [r["id"] for r in self._call("GET", "/referrals", params={"status": "ny"}).json()]

    def _referral(self, referral_id: str) -> Referral:
        return validated(Referral, self._call("GET", f"/referrals/{referral_id}").json(), referral_id)

    def _attachments(self, referral: Referral) -> list[Attachment]:
        files = []
        for info in referral.attachments:
            response = self._call("GET", f"/referrals/{referral.id}/attachments/{info.n}")
            files.append(Attachment(title=info.title, filename=info.filename, data=response.content,
                                    mime=response.headers.get("content-type", info.mime).split(";")[0]))
        return files

    def _mark_processed(self, referral_id: str, case_number: str) -> None:
        self._call("POST", f"/referrals/{referral_id}/processed", json={"case_number": case_number})
        log.info("Marked %s processed with case %s", referral_id, case_number)

    def close(self) -> None:
        self._http.close()


def _detail(response: httpx.Response) -> str | None:
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        return None
    return detail if isinstance(detail, str) else None
