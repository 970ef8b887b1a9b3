"""Turns the coach's results into the learner's language; the Telegram layer only sends them."""

from __future__ import annotations

from datetime import datetime, timedelta

from coach.blocks.service import RecapSaved, RecapShown
from coach.blocks.views import BlockEnding, BlockView, RewardsOverview, StatusReport
from coach.learners.profile import Profile
from coach.messages import t


def topic_of(profile: Profile, block: BlockView) -> str:
    """The block's topic, or the default word for one without."""
    return block.topic or t(profile.language, "block.default_topic")


def local_time(profile: Profile, instant: datetime, now: datetime | None = None) -> str:
    """`HH:MM` in the learner's zone; when it is not today (given `now`), with its day.

    Tomorrow is named (`明天 00:19`, `00:19 tomorrow`); another day shows `MM-DD`, and a day
    in another year `YYYY-MM-DD`.
    """
    local = instant.astimezone(profile.zone)
    clock = local.strftime("%H:%M")
    if now is None:
        return clock
    today = now.astimezone(profile.zone).date()
    if local.date() == today:
        return clock
    if local.date() == today + timedelta(days=1):
        return t(profile.language, "time.tomorrow", time=clock)
    if local.year == today.year:
        return local.strftime("%m-%d %H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def block_started(profile: Profile, block: BlockView) -> str:
    """The reply to a started block."""
    return t(
        profile.language,
        "block.started",
        topic=topic_of(profile, block),
        minutes=block.planned_minutes,
        end=local_time(profile, block.planned_end_at, block.started_at),
    )


def block_already_running(profile: Profile, block: BlockView, now: datetime) -> str:
    """The reply when a second block is asked for."""
    return t(
        profile.language,
        "block.already_running",
        topic=topic_of(profile, block),
        remaining=block.remaining_minutes(now),
        end=local_time(profile, block.planned_end_at, now),
    )


def block_ending(ending: BlockEnding, *, early: bool = False) -> str:
    """Completion, recap prompt and the reward line, in one message."""
    profile, block = ending.profile, ending.block
    topic = topic_of(profile, block)
    if early:
        head = t(profile.language, "block.finished_early", topic=topic, worked=block.worked_minutes)
    elif block.late:
        head = t(
            profile.language,
            "block.completed_late",
            topic=topic,
            minutes=block.planned_minutes,
            end=local_time(profile, block.planned_end_at),
        )
    else:
        head = t(profile.language, "block.completed", topic=topic, minutes=block.planned_minutes)
    if not ending.earned_reward:
        tail = t(
            profile.language,
            "reward.none_short",
            worked=block.worked_minutes,
            min=ending.min_reward_minutes,
        )
    elif ending.reward_choices:
        tail = t(profile.language, "reward.offer")
    else:
        tail = t(profile.language, "reward.menu_empty")
    return f"{head}\n\n{tail}"


def _block_when(profile: Profile, block: BlockView, now: datetime) -> str:
    return local_time(profile, block.finished_at or block.started_at, now)


def recap_saved(saved: RecapSaved, now: datetime) -> str:
    """Which block the recap went to, and how to change it."""
    profile = saved.profile
    key = "recap.replaced" if saved.previous is not None else "recap.saved"
    return t(
        profile.language,
        key,
        topic=topic_of(profile, saved.block),
        time=_block_when(profile, saved.block, now),
    )


def recap_shown(shown: RecapShown, now: datetime) -> str:
    """`/recap` without text: the latest block's recap and how to change it."""
    profile = shown.profile
    topic = topic_of(profile, shown.block)
    when = _block_when(profile, shown.block, now)
    if shown.recap is None:
        return t(profile.language, "recap.show_empty", topic=topic, time=when)
    return t(profile.language, "recap.show", topic=topic, time=when, recap=shown.recap)


def status(report: StatusReport) -> str:
    """The `/status` text."""
    profile, language = report.profile, report.profile.language
    lines = []
    if report.running is not None:
        lines.append(
            t(
                language,
                "status.running",
                topic=topic_of(profile, report.running),
                remaining=report.running.remaining_minutes(report.now),
                end=local_time(profile, report.running.planned_end_at, report.now),
            )
        )
    else:
        lines.append(t(language, "status.idle"))
    lines.append(
        t(
            language,
            "status.today",
            date=report.today.isoformat(),
            blocks=report.blocks_today,
            minutes=report.minutes_today,
        )
    )
    standard = report.standard_minutes
    if report.met_today:
        lines.append(t(language, "status.standard_met", standard=standard))
    else:
        lines.append(t(language, "status.standard_open", standard=standard))
    if report.streak:
        lines.append(t(language, "status.streak", days=report.streak))
    else:
        lines.append(t(language, "status.streak_none", standard=standard))
    return "\n".join(lines)


def reward_menu(overview: RewardsOverview) -> str:
    """The numbered reward menu."""
    items = "\n".join(f"{n}. {item.title}" for n, item in enumerate(overview.items, 1))
    if not items:
        return t(overview.profile.language, "reward.menu_empty")
    return t(overview.profile.language, "rewards.menu", items=items)


def rewards(overview: RewardsOverview) -> str:
    """The `/rewards` text: menu, recent grants and usage."""
    language = overview.profile.language
    if overview.recent:
        grants = "\n".join(
            f"• {grant.granted_at.astimezone(overview.profile.zone):%m-%d %H:%M} {grant.title}"
            f" ← {grant.block_topic or t(language, 'block.default_topic')}"
            for grant in overview.recent
        )
        recent = t(language, "rewards.recent", grants=grants)
    else:
        recent = t(language, "rewards.no_grants")
    return "\n\n".join([reward_menu(overview), recent, t(language, "rewards.usage")])


def welcome(overview: RewardsOverview) -> str:
    """The `/start` onboarding text."""
    profile = overview.profile
    items = "\n".join(f"• {item.title}" for item in overview.items) or "—"
    return t(
        profile.language,
        "start.welcome",
        name=profile.first_name or "👋",
        timezone=profile.timezone,
        rewards=items,
    )
