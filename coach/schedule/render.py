"""Turns schedules and digests into the learner's language; the Telegram layer only sends them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from coach.blocks.render import local_time
from coach.learners.profile import Profile
from coach.messages import t
from coach.schedule.digests import DayRecap, NudgeDigest, WeeklySummary
from coach.schedule.service import ScheduleEntry, ScheduleOverview
from coach.schedule.times import Rule, ScheduleKind, format_clock
from coach.text import join_list

MAX_TEXT = 4096
MAX_CAPTION = 1024
# A recap or note longer than this is shortened in the listings (the draft keeps it whole).
MAX_QUOTE = 300


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def join(language: str, items: Sequence[str]) -> str:
    """A list in running text: 、 between Chinese items, commas between English ones."""
    return join_list(language, items)


def weekday_name(language: str, weekday: int) -> str:
    """Mon..Sun (周一..周日)."""
    return t(language, f"schedule.weekday_{weekday}")


def rule_text(language: str, rule: Rule) -> str:
    """`09:00`, or `周日 20:00` for a weekly rule."""
    clock = format_clock(rule.local_minutes)
    if rule.weekday is None:
        return clock
    return f"{weekday_name(language, rule.weekday)} {clock}"


def kind_name(language: str, kind: ScheduleKind) -> str:
    """The morning nudge, the evening recap, the weekly summary."""
    return t(language, f"schedule.kind_{kind.value}")


def next_text(profile: Profile, instant: datetime | None, now: datetime) -> str:
    """When a firing comes, in local time (with the date unless it is today)."""
    if instant is None:
        return t(profile.language, "schedule.never")
    return local_time(profile, instant, now)


def _entry(overview: ScheduleOverview, entry: ScheduleEntry) -> str:
    language = overview.profile.language
    rule = rule_text(language, entry.rule)
    if not entry.enabled:
        return t(language, "schedule.entry_off")
    if entry.next_due_at is None:
        return t(language, "schedule.entry_stopped", rule=rule)
    return t(
        language,
        "schedule.entry",
        rule=rule,
        next=next_text(overview.profile, entry.next_due_at, overview.now),
    )


def settings_overview(overview: ScheduleOverview, *, usage: bool = True) -> str:
    """The `/settings` text."""
    language = overview.profile.language
    parts = [
        t(
            language,
            "schedule.overview",
            timezone=overview.profile.timezone,
            nudge=_entry(overview, overview.entry(ScheduleKind.NUDGE)),
            recap=_entry(overview, overview.entry(ScheduleKind.RECAP)),
            weekly=_entry(overview, overview.entry(ScheduleKind.WEEKLY)),
        )
    ]
    parts.append(t(language, "schedule.standard", minutes=overview.standard_minutes))
    if overview.pause is not None:
        first, last = overview.pause
        parts.append(t(language, "schedule.paused", first=first.isoformat(), last=last.isoformat()))
    if usage:
        parts.append(t(language, "schedule.usage"))
    return "\n\n".join(parts)


def time_set(overview: ScheduleOverview, kind: ScheduleKind) -> str:
    """The reply to a changed time."""
    language = overview.profile.language
    entry = overview.entry(kind)
    return t(
        language,
        "schedule.time_set",
        what=kind_name(language, kind),
        rule=rule_text(language, entry.rule),
        next=next_text(overview.profile, entry.next_due_at, overview.now),
    )


def standard_set(overview: ScheduleOverview) -> str:
    """The reply to a changed Minimum Viable Day."""
    return t(overview.profile.language, "schedule.standard_set", minutes=overview.standard_minutes)


def switched_off(overview: ScheduleOverview, kind: ScheduleKind) -> str:
    """The reply to a kind switched off."""
    language = overview.profile.language
    return t(language, "schedule.switched_off", what=kind_name(language, kind), kind=kind.value)


def paused(overview: ScheduleOverview, days: int) -> str:
    """The reply to a pause."""
    assert overview.pause is not None
    return t(
        overview.profile.language,
        "schedule.pause_set",
        days=days,
        last=overview.pause[1].isoformat(),
    )


def resumed(overview: ScheduleOverview) -> str:
    """The reply to a resume."""
    nudge = overview.entry(ScheduleKind.NUDGE)
    return t(
        overview.profile.language,
        "schedule.resumed",
        next=next_text(overview.profile, nudge.next_due_at, overview.now),
    )


def late_line(profile: Profile, due_at: datetime, now: datetime) -> str:
    """Says a scheduled message comes late, and when it was due."""
    minutes = max(1, int((now - due_at).total_seconds() // 60))
    return t(
        profile.language,
        "schedule.late",
        minutes=minutes,
        time=local_time(profile, due_at, now),
    )


def nudge(digest: NudgeDigest) -> str:
    """The morning nudge: the one-block framing, or congratulations when a block is done."""
    profile, language = digest.profile, digest.profile.language
    name = profile.first_name or "👋"
    if digest.met_standard:
        return t(
            language,
            "schedule.nudge_done",
            name=name,
            blocks=digest.blocks_today,
            minutes=digest.minutes_today,
        )
    if digest.blocks_today:
        head = t(
            language,
            "schedule.nudge_short",
            name=name,
            blocks=digest.blocks_today,
            minutes=digest.minutes_today,
            standard=digest.standard_minutes,
        )
    else:
        head = t(language, "schedule.nudge", name=name)
    lines = [head]
    if digest.suggestion:
        lines.append(t(language, "schedule.nudge_suggestion", suggestion=digest.suggestion))
    if digest.due_reviews:
        lines.append(t(language, "schedule.nudge_reviews", count=digest.due_reviews))
    lines.append(t(language, "schedule.nudge_framing"))
    return "\n".join(lines)


def recap(day: DayRecap) -> str:
    """The evening recap: what was done, or the smallest possible step — never a scolding."""
    profile, language = day.profile, day.profile.language
    lines = [t(language, "schedule.recap_title", date=day.local_date.isoformat())]
    if day.blocks:
        lines.append(
            t(language, "schedule.recap_totals", blocks=len(day.blocks), minutes=day.minutes)
        )
        for block in day.blocks:
            lines.append(
                t(
                    language,
                    "schedule.recap_block",
                    time=local_time(profile, block.started_at),
                    topic=block.topic or t(language, "block.default_topic"),
                    minutes=block.minutes,
                )
            )
            if block.recap:
                lines.append(t(language, "schedule.recap_block_recap", recap=_quote(block.recap)))
    else:
        lines.append(t(language, "schedule.recap_nothing"))
    if day.notes:
        lines.append("")
        lines.append(t(language, "schedule.recap_notes"))
        lines.extend(f"• {_quote(note.text)}" for note in day.notes)
    lines.append("")
    if day.rewards:
        lines.append(t(language, "schedule.recap_rewards", rewards=join(language, day.rewards)))
    if day.met_standard:
        lines.append(t(language, "schedule.recap_streak", days=day.streak))
        lines.append(t(language, "schedule.recap_well_done"))
    elif day.blocks:
        lines.append(t(language, "schedule.recap_short", standard=day.standard_minutes))
        if day.streak:
            lines.append(t(language, "schedule.recap_streak_open", days=day.streak))
    else:
        if day.notes:
            lines.append(t(language, "schedule.recap_notes_count", count=len(day.notes)))
        if day.streak:
            lines.append(t(language, "schedule.recap_streak_open", days=day.streak))
        lines.append(t(language, "schedule.recap_smallest_step"))
    return clip("\n".join(lines), MAX_TEXT)


def weekly_caption(summary: WeeklySummary) -> str:
    """The caption of the weekly chart: the week's figures in a few lines."""
    language = summary.profile.language
    week = summary.week
    lines = [
        t(
            language,
            "schedule.weekly_title",
            week=week.number,
            first=week.first_day.isoformat(),
            last=week.last_day.isoformat(),
        )
    ]
    if not summary.finished and summary.as_of is not None:
        day = summary.as_of.isoformat()
        if summary.days_to_go:
            lines.append(t(language, "schedule.weekly_so_far", date=day, days=summary.days_to_go))
        else:
            lines.append(t(language, "schedule.weekly_last_day", date=day))
    if not summary.blocks:
        # A week still under way has not failed: it says so (issue 11, "what is true").
        key = "schedule.weekly_empty" if summary.finished else "schedule.weekly_empty_so_far"
        lines.append(t(language, key))
    else:
        lines.append(
            t(
                language,
                "schedule.weekly_totals",
                blocks=summary.total_blocks,
                minutes=summary.total_minutes,
                active=summary.active_days,
                met=summary.met_days,
            )
        )
        longest = summary.longest
        assert longest is not None
        lines.append(
            t(
                language,
                "schedule.weekly_longest",
                topic=clip(longest.topic or t(language, "block.default_topic"), 60),
                minutes=longest.minutes,
                date=longest.local_date.isoformat(),
            )
        )
    lines.append(t(language, "schedule.weekly_streak", days=summary.streak))
    if summary.rewards:
        rewards = join(language, [f"{title}×{count}" for title, count in summary.reward_counts])
        lines.append(
            t(
                language,
                "schedule.weekly_rewards",
                count=len(summary.rewards),
                rewards=clip(rewards, 300),
            )
        )
    else:
        lines.append(t(language, "schedule.weekly_no_rewards"))
    lines.extend(_sections(summary))
    return clip("\n".join(lines), MAX_CAPTION)


def _sections(summary: WeeklySummary) -> list[str]:
    language = summary.profile.language
    sections = summary.sections
    lines = []
    if sections.plan_progress is not None:
        progress = sections.plan_progress
        lines.append(t(language, "schedule.weekly_plan", done=progress.done, total=progress.total))
    if sections.quiz_accuracy is not None:
        quiz = sections.quiz_accuracy
        lines.append(
            t(
                language,
                "schedule.weekly_quiz",
                percent=round(100 * quiz.correct / quiz.answered) if quiz.answered else 0,
                correct=quiz.correct,
                answered=quiz.answered,
            )
        )
    if sections.demo_record is not None and sections.demo_record.entries:
        lines.append(
            t(
                language,
                "schedule.weekly_demo",
                entries=clip(join(language, sections.demo_record.entries), 200),
            )
        )
    return lines


def draft_caption(summary: WeeklySummary) -> str:
    """The caption of the Markdown draft."""
    return t(summary.profile.language, "schedule.weekly_draft", week=summary.week.number)


def _quote(text: str) -> str:
    return clip(" / ".join(line.strip() for line in text.splitlines() if line.strip()), MAX_QUOTE)
