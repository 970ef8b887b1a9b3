"""Configuration, read once from the environment and an optional `.env` file."""

from __future__ import annotations

import re
from datetime import datetime
from functools import cached_property
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from coach.schedule.times import parse_clock, parse_weekly
from coach.timezones import parse_timezone
from db.database import DEFAULT_DATABASE_URL

# What CLIP ranks a photo sent without a caption when no vision-language model is configured.
DEFAULT_VISION_LABELS = (
    "a person",
    "an animal",
    "food or a drink",
    "a book or handwritten notes",
    "a computer screen with code",
    "slides or a whiteboard",
    "a diagram or a chart",
    "a street or a building",
    "nature or a landscape",
)

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
    database_url: str = Field(default=DEFAULT_DATABASE_URL, alias="DATABASE_URL")
    timezone: str = Field(default="Asia/Shanghai", alias="COACH_TIMEZONE")
    language: Literal["zh", "en"] = Field(default="zh", alias="COACH_LANGUAGE")
    allowed_users: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(), alias="COACH_ALLOWED_USERS"
    )
    # The bot's operators: only they see set-up hints (e.g. in /vision); learners never do.
    admin_users: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(), alias="COACH_ADMIN_USERS"
    )
    reward_min_minutes: int = Field(default=35, ge=1, le=180, alias="COACH_REWARD_MIN_MINUTES")
    # How often the safety sweep looks for blocks whose end was missed (seconds of real time).
    sweep_seconds: float = Field(default=30.0, gt=0, alias="COACH_SWEEP_SECONDS")
    # How long the process that handled an update owns its replies before another may send
    # them (it presumably died mid-send); longer than one send with all its retries.
    reply_lease_seconds: float = Field(
        default=60.0, ge=1, le=3600, alias="COACH_REPLY_LEASE_SECONDS"
    )
    # Tests and demos run the coach's clock faster than real time; 1.0 in production.
    clock_speed: float = Field(default=1.0, gt=0, alias="COACH_CLOCK_SPEED")
    # With a clock speed other than 1, the real instant at which both timelines agree.
    clock_anchor: float | None = Field(default=None, alias="COACH_CLOCK_ANCHOR")
    # Tests and demos only: what the coach's clock reads at the anchor (ISO 8601 with an offset,
    # or Unix time), e.g. a minute before a nudge or a DST transition day.
    clock_start: datetime | None = Field(default=None, alias="COACH_CLOCK_START")
    # The schedule a new learner gets, in their own timezone.
    nudge_time: str = Field(default="09:00", alias="COACH_NUDGE_TIME")
    recap_time: str = Field(default="21:30", alias="COACH_RECAP_TIME")
    weekly_time: str = Field(default="sun 20:00", alias="COACH_WEEKLY_TIME")
    # A scheduled message found this late (the bot was down) is skipped instead of sent.
    schedule_grace_minutes: int = Field(
        default=120, ge=1, le=720, alias="COACH_SCHEDULE_GRACE_MINUTES"
    )
    # The safety tick (real seconds); exact wake-ups at the next due time come on top.
    schedule_tick_seconds: float = Field(default=30.0, gt=0, alias="COACH_SCHEDULE_TICK_SECONDS")
    # Due messages claimed per database transaction, and sent side by side.
    schedule_batch: int = Field(default=50, ge=1, le=1000, alias="COACH_SCHEDULE_BATCH")
    schedule_concurrency: int = Field(default=4, ge=1, le=64, alias="COACH_SCHEDULE_CONCURRENCY")
    # Seconds (on the coach's clock) a claim is held before another process may take it over.
    schedule_lease_seconds: int = Field(default=300, ge=10, alias="COACH_SCHEDULE_LEASE_SECONDS")
    # Messages in any one second to Telegram, for everything this process sends (Telegram
    # allows about 30 per bot); with several replicas, split it between them. 0 turns the
    # throttle off (a local Bot API server, a benchmark); a 429 is retried either way.
    send_rate: float = Field(default=30.0, ge=0, le=1000, alias="COACH_SEND_RATE")

    @field_validator("send_rate")
    @classmethod
    def _whole_rate(cls, value: float) -> float:
        if 0 < value < 1:
            raise ValueError("COACH_SEND_RATE is 0 (off) or at least 1 message per second")
        return value

    log_level: str = Field(default="INFO", alias="LOG_LEVEL")
    # Any OpenAI-compatible chat API (hosted, Ollama, vLLM, LM Studio); unset: offline replies.
    llm_base_url: str | None = Field(default=None, alias="LLM_BASE_URL")
    llm_model: str | None = Field(default=None, alias="LLM_MODEL")
    llm_api_key: SecretStr | None = Field(default=None, alias="LLM_API_KEY")
    # A reply slower than this falls back to the offline rubric or reply (seconds).
    llm_timeout_seconds: float = Field(default=30.0, gt=0, le=600, alias="LLM_TIMEOUT_SECONDS")
    # Photos: our vision worker (`python -m worker`) and/or any OpenAI-compatible VLM server.
    vision_url: str | None = Field(default=None, alias="VISION_URL")
    vision_timeout: float = Field(default=60.0, gt=0, le=600, alias="VISION_TIMEOUT")
    vision_daily_limit: int = Field(default=50, ge=1, alias="VISION_DAILY_LIMIT")
    vision_default_labels: Annotated[tuple[str, ...], NoDecode] = Field(
        default=DEFAULT_VISION_LABELS, alias="VISION_DEFAULT_LABELS"
    )
    vlm_base_url: str | None = Field(default=None, alias="VLM_BASE_URL")
    vlm_model: str | None = Field(default=None, alias="VLM_MODEL")
    vlm_api_key: SecretStr | None = Field(default=None, alias="VLM_API_KEY")
    vlm_max_tokens: int = Field(default=400, ge=1, le=4096, alias="VLM_MAX_TOKENS")

    @field_validator("allowed_users", "admin_users", mode="before")
    @classmethod
    def _split_user_ids(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.replace(";", ",").split(",")]
            try:
                return frozenset(int(part) for part in parts if part)
            except ValueError as exc:
                name = cls.model_fields[info.field_name or ""].alias
                raise ValueError(f"{name} must be comma-separated user ids") from exc
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

    @field_validator("llm_base_url")
    @classmethod
    def _strip_llm_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else value

    @field_validator("llm_base_url", "llm_model", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip() or None
        return value

    @model_validator(mode="after")
    def _llm_needs_a_model(self) -> Settings:
        if self.llm_base_url and not self.llm_model:
            raise ValueError("LLM_BASE_URL is set but LLM_MODEL is not: name the model to use")
        return self

    @property
    def llm_enabled(self) -> bool:
        """Whether an LLM is configured."""
        return bool(self.llm_base_url and self.llm_model)

    @field_validator("nudge_time", "recap_time")
    @classmethod
    def _check_clock(cls, value: str) -> str:
        if parse_clock(value) is None:
            raise ValueError(f"not a HH:MM time: {value!r}")
        return value

    @field_validator("weekly_time")
    @classmethod
    def _check_weekly(cls, value: str) -> str:
        if parse_weekly(value) is None:
            raise ValueError(f"not a 'DAY HH:MM' weekly time (e.g. 'sun 20:00'): {value!r}")
        return value

    @field_validator("clock_start")
    @classmethod
    def _aware_start(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("COACH_CLOCK_START needs a UTC offset, e.g. 2026-03-08T08:59:00-05:00")
        return value

    @field_validator("vision_url", "vlm_base_url", "vlm_model", mode="before")
    @classmethod
    def _blank_vision_is_unset(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip().rstrip("/") or None
        return value

    @field_validator("vision_default_labels", mode="before")
    @classmethod
    def _split_labels(cls, value: object) -> object:
        if isinstance(value, str):
            labels = tuple(part.strip() for part in value.split("|") if part.strip())
            if len(labels) < 2:
                raise ValueError("VISION_DEFAULT_LABELS needs at least two labels separated by |")
            return labels
        return value

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
