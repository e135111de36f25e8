"""Personal data in work items, sealed: the fields a robot marks as personal are kept encrypted
(Fernet: AES-128-CBC + HMAC-SHA256, from ``cryptography``) with a key from the environment or the
secrets folder (``workitems.encryption_key``), opened only when a consumer reserves the item, and
removed ``workitems.retention_days`` after the item is settled."""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from pydantic import SecretStr

from saksrobot.errors import ApplicationError, ConfigurationError

KEY_SETTING = "workitems.encryption_key (SAKSROBOT_WORKITEMS__ENCRYPTION_KEY or the secrets folder)"


def new_key() -> str:
    """A fresh key for ``workitems.encryption_key``."""
    return Fernet.generate_key().decode()


class Sealer:
    def __init__(self, key: SecretStr | None) -> None:
        self._fernet = None
        if key is not None:
            try:
                self._fernet = Fernet(key.get_secret_value().encode())
            except ValueError:
                raise ConfigurationError(f"{KEY_SETTING} is not a valid key (make one with "
                                         "`saksrobot queue new-key`)") from None

    def seal(self, fields: dict[str, Any]) -> str:
        if self._fernet is None:
            raise ConfigurationError(f"Personal fields need {KEY_SETTING}; it is not set")
        return self._fernet.encrypt(json.dumps(fields, ensure_ascii=False).encode()).decode()

    def open(self, token: str) -> dict[str, Any]:
        if self._fernet is None:
            raise ConfigurationError(f"This item holds personal fields; {KEY_SETTING} is not set")
        try:
            return json.loads(self._fernet.decrypt(token.encode()))
        except InvalidToken:
            raise ApplicationError("The personal fields of the item cannot be opened with the configured "
                                   "workitems.encryption_key (was the key changed?)", code="sealed") from None
