"""Forgetting a learner: all of their data goes, but only after they confirmed it.

Every learner table references `users` with ON DELETE CASCADE, so deleting the user row
deletes the rest, including tables that later features add (a test checks each one). The
confirmation names what goes: FORGOTTEN_DATA ties each kind it names to its tables, and a
test fails when a table holding learner data is named by none.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from coach.clock import Clock
from coach.learners.profile import Identity, Profile
from coach.learners.registry import Learners
from db.repositories import ReplyOutbox, UserRepository

# Each kind of data the confirmation names (its `privacy.data.*` message) and its tables.
FORGOTTEN_DATA: Final[dict[str, tuple[str, ...]]] = {
    "privacy.data.profile": ("users",),
    "privacy.data.blocks": ("focus_blocks",),
    "privacy.data.notes": ("daily_notes",),
    "privacy.data.rewards": ("reward_items", "reward_grants"),
    "privacy.data.plan": ("study_plans", "plan_ticks"),
    "privacy.data.quiz": ("quiz_cards", "quiz_prompts"),
    # Replies waiting to be sent are part of the conversation (seconds, at most a day).
    "privacy.data.conversation": ("coach_messages", "outbox_replies"),
    "privacy.data.schedule": ("schedules", "scheduled_deliveries", "schedule_pauses"),
    "privacy.data.photos": ("vision_exchanges",),
}

# A confirmation button works this long, and only for the latest /forget.
CONFIRM_WINDOW = timedelta(minutes=10)
_PENDING_KEY = "forget_request"


@dataclass(frozen=True)
class ForgetRequested:
    """The learner asked to be forgotten; `token` goes into the confirmation button."""

    profile: Profile
    token: str
    minutes: int


@dataclass(frozen=True)
class Forgotten:
    """The learner and all of their data were deleted."""

    language: str


@dataclass(frozen=True)
class ForgetRefused:
    """Nothing was deleted; `key` says why (`privacy.expired`, `privacy.nothing`)."""

    language: str
    key: str


class Privacy:
    """The /forget use cases."""

    def __init__(self, learners: Learners, clock: Clock) -> None:
        self.learners = learners
        self.clock = clock

    async def request_forget(self, session: AsyncSession, who: Identity) -> ForgetRequested:
        """Remember a fresh confirmation token (an older one stops working)."""
        profile = await self.learners.profile(session, who)
        user = await UserRepository(session).get(who.user_id)
        assert user is not None, "Coach.profile creates the learner"
        token = secrets.token_hex(8)
        expires = self.clock.now() + CONFIRM_WINDOW
        # A new dict, so SQLAlchemy sees the JSON column change.
        user.settings = {
            **user.settings,
            _PENDING_KEY: {"token": token, "expires": expires.isoformat()},
        }
        return ForgetRequested(profile, token, int(CONFIRM_WINDOW.total_seconds() // 60))

    async def forget(
        self, session: AsyncSession, who: Identity, token: str
    ) -> Forgotten | ForgetRefused:
        """Delete the learner and everything of theirs, if `token` is their live confirmation."""
        users = UserRepository(session)
        user = await users.get(who.user_id)
        if user is None:
            return ForgetRefused(self.learners.defaults.language, "privacy.nothing")
        pending = user.settings.get(_PENDING_KEY)
        if not self._valid(pending, token):
            return ForgetRefused(user.language, "privacy.expired")
        language = user.language
        await ReplyOutbox(session).remove_chat(user.chat_id)
        await users.delete(user.id)
        return Forgotten(language)

    async def keep(self, session: AsyncSession, who: Identity) -> str:
        """Drop a pending confirmation; returns the learner's language."""
        user = await UserRepository(session).get(who.user_id)
        if user is None:
            return self.learners.defaults.language
        if _PENDING_KEY in user.settings:
            user.settings = {k: v for k, v in user.settings.items() if k != _PENDING_KEY}
        return user.language

    def _valid(self, pending: object, token: str) -> bool:
        if not isinstance(pending, dict):
            return False
        expected, expires = pending.get("token"), pending.get("expires")
        if not isinstance(expected, str) or not isinstance(expires, str):
            return False
        try:
            deadline = datetime.fromisoformat(expires)
        except ValueError:
            return False
        return secrets.compare_digest(expected, token) and self.clock.now() <= deadline
