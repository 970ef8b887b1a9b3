"""The learner profile: who a learner is to the coach. The one home of `Profile`."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from db.models import User


@dataclass(frozen=True)
class Identity:
    """Who is talking to the coach, as Telegram told us."""

    user_id: int
    chat_id: int
    first_name: str = ""


@dataclass(frozen=True)
class Profile:
    """A learner's language and timezone, enough to speak to them."""

    user_id: int
    chat_id: int
    first_name: str
    language: str
    timezone: str

    @property
    def zone(self) -> ZoneInfo:
        """The learner's timezone."""
        return ZoneInfo(self.timezone)


def profile_of(user: User) -> Profile:
    """The learner's profile."""
    return Profile(
        user_id=user.id,
        chat_id=user.chat_id,
        first_name=user.first_name,
        language=user.language,
        timezone=user.timezone,
    )
