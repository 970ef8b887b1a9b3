"""The learner registry: finding or enrolling a learner, their language and timezone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from coach.clock import Clock
from coach.learners.profile import Identity, Profile, profile_of
from coach.messages import Language, normalize_language, t
from coach.timezones import parse_timezone
from db.models import RewardItem, User
from db.repositories import RewardRepository, UserRepository


@dataclass(frozen=True)
class LearnerDefaults:
    """What a new learner starts with."""

    language: Language
    timezone: str


class Learners:
    """Every learner the coach knows; creates one on first contact."""

    def __init__(self, defaults: LearnerDefaults, clock: Clock) -> None:
        self.defaults = defaults
        self.clock = clock

    async def user(self, session: AsyncSession, who: Identity) -> User:
        """The learner's row, created (with the default reward menu) on first contact."""
        users = UserRepository(session)
        user = await users.get(who.user_id)
        now = self.clock.now()
        if user is None:
            user = await users.add(
                User(
                    id=who.user_id,
                    chat_id=who.chat_id,
                    first_name=who.first_name[:128],
                    language=self.defaults.language,
                    timezone=self.defaults.timezone,
                    settings={},
                    created_at=now,
                    updated_at=now,
                )
            )
            titles = t(user.language, "rewards.default").splitlines()
            await RewardRepository(session).add_items(
                [RewardItem(user_id=user.id, title=title, created_at=now) for title in titles]
            )
        elif user.chat_id != who.chat_id or (who.first_name and user.first_name != who.first_name):
            user.chat_id = who.chat_id
            user.first_name = who.first_name[:128] or user.first_name
            user.updated_at = now
        if not user.active:
            # They blocked the bot once and write again: scheduled messages resume.
            user.active = True
            user.updated_at = now
        return user

    async def profile(self, session: AsyncSession, who: Identity) -> Profile:
        """The learner's profile, creating the learner on first contact."""
        return profile_of(await self.user(session, who))

    async def language_of(self, session: AsyncSession, user_id: int) -> str:
        """The learner's language without creating them (for error replies)."""
        user = await UserRepository(session).get(user_id)
        return user.language if user is not None else self.defaults.language

    async def set_language(self, session: AsyncSession, who: Identity, language: str) -> Profile:
        """Switch the learner's language."""
        user = await self.user(session, who)
        chosen = normalize_language(language, self.defaults.language)
        if user.language != chosen:
            user.language = chosen
            user.updated_at = self.clock.now()
        return profile_of(user)

    async def set_timezone(self, session: AsyncSession, who: Identity, name: str) -> Profile | None:
        """Set the learner's timezone; None if the name is not an IANA zone."""
        zone = parse_timezone(name)
        if zone is None:
            return None
        user = await self.user(session, who)
        user.timezone = zone.key
        user.updated_at = self.clock.now()
        return profile_of(user)

    def local_today(self, profile: Profile) -> date:
        """The learner's current local date."""
        return self.clock.now().astimezone(profile.zone).date()
