"""Configuration, read once from the environment and an optional `.env` file."""

from __future__ import annotations

import re
from functools import cached_property
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from coach.timezones import parse_timezone

DEFAULT_DATABASE_URL = "sqlite:///./var/coach.db"
WEBHOOK_SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")


class Settings(BaseSettings):
    """Every setting of the bot; environment variable names are the aliases."""

    # An empty variable means "unset" (as compose passes `${VAR:-}` and .env.example lists them).
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", populate_by_name=True, env_ignore_empty=True
    )

    telegram_bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_url: str = Field(default="https://api.telegram.org", alias="TELEGRAM_API_URL")
    # Setting a webhook URL switches from long polling to webhooks (several replicas can then
    # share the traffic behind a load balancer). The secret is what Telegram sends back in the
    # X-Telegram-Bot-Api-Secret-Token header; requests without it are refused.
    webhook_url: str | None = Field(default=None, alias="TELEGRAM_WEBHOOK_URL")
    webhook_secret: SecretStr | None = Field(default=None, alias="TELEGRAM_WEBHOOK_SECRET")
    webhook_listen: str = Field(default="0.0.0.0", alias="TELEGRAM_WEBHOOK_LISTEN")
    webhook_port: int = Field(default=8080, ge=0, le=65535, alias="TELEGRAM_WEBHOOK_PORT")
    webhook_max_connections: int = Field(
        default=40, ge=1, le=100, alias="TELEGRAM_WEBHOOK_MAX_CONNECTIONS"
    )
    # Telegram allows about 30 messages per second overall; 0 turns the throttle off (for a
    # local Bot API server or a benchmark). A 429 is retried after its retry_after either way.
    max_messages_per_second: float = Field(
        default=30.0, ge=0, alias="TELEGRAM_MAX_MESSAGES_PER_SECOND"
    )
    database_url: str = Field(default=DEFAULT_DATABASE_URL, alias="DATABASE_URL")
    timezone: str = Field(default="Asia/Shanghai", alias="COACH_TIMEZONE")
    language: Literal["zh", "en"] = Field(default="zh", alias="COACH_LANGUAGE")
    allowed_users: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(), alias="COACH_ALLOWED_USERS"
    )
    reward_min_minutes: int = Field(default=35, ge=1, le=180, alias="COACH_REWARD_MIN_MINUTES")
    # How often the safety sweep looks for blocks whose end was missed (seconds of real time).
    sweep_seconds: float = Field(default=30.0, gt=0, alias="COACH_SWEEP_SECONDS")
    # Tests and demos run the coach's clock faster than real time; 1.0 in production.
    clock_speed: float = Field(default=1.0, gt=0, alias="COACH_CLOCK_SPEED")
    # With a clock speed other than 1, the real instant at which both timelines agree.
    clock_anchor: float | None = Field(default=None, alias="COACH_CLOCK_ANCHOR")
    log_level: str = Field(default="INFO", alias="LOG_LEVEL")

    @field_validator("allowed_users", mode="before")
    @classmethod
    def _split_user_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.replace(";", ",").split(",")]
            try:
                return frozenset(int(part) for part in parts if part)
            except ValueError as exc:
                raise ValueError("COACH_ALLOWED_USERS must be comma-separated user ids") from exc
        return value

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        if parse_timezone(value) is None:
            raise ValueError(f"unknown IANA timezone: {value!r}")
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("webhook_url", mode="before")
    @classmethod
    def _empty_url_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _check_secret(cls, value: object) -> object:
        if isinstance(value, str):
            if not value.strip():
                return None
            # Telegram's rule for secret_token.
            if not WEBHOOK_SECRET_PATTERN.fullmatch(value):
                raise ValueError(
                    "TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -"
                )
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url is not None:
            if not self.webhook_url.startswith(("https://", "http://")):
                raise ValueError("TELEGRAM_WEBHOOK_URL must be an http(s) URL")
            if self.webhook_secret is None:
                raise ValueError("TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET")
        return self

    def secret_values(self) -> list[str]:
        """The values of every secret setting that is set (for keeping them out of logs)."""
        values = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr) and value.get_secret_value():
                values.append(value.get_secret_value())
        return values

    @cached_property
    def zone(self) -> ZoneInfo:
        """The default timezone as a ZoneInfo."""
        return ZoneInfo(self.timezone)
