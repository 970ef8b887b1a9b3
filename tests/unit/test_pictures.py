"""The weekly chart and the `/progress` picture, in zh and en, as a learner would look at them.

Each picture is drawn for an empty week, a full week, a paused week and a six-week plan. The
tests check what a phone shows: the size and 2× DPI of the PNG, that it is not blank, the
localised words among the drawn texts, and that every character has a glyph in the bundled
font (matplotlib's "Glyph … missing" warning is an error here, and each character must be in
the font's cmap: no tofu). They never compare pixels.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from coach.blocks.service import Coach, CoachConfig
from coach.blocks.standard import longest_streak
from coach.learners.profile import Identity, Profile
from coach.learners.registry import LearnerDefaults, Learners
from coach.pictures.canvas import DPI, Picture
from coach.pictures.fonts import covered, font_path
from coach.pictures.progress import ProgressData, TopicAccuracy, WeekChecklist, draw_progress
from coach.pictures.text import fit
from coach.pictures.weekly import (
    CHART_METADATA_KEY,
    ChartDay,
    WeeklyChart,
    WeeklyChartData,
    draw_weekly,
)
from coach.plan.progress import plan_state
from coach.plan.weeks import Week
from coach.progress.gather import is_last_plan_week, progress_data
from coach.quiz.bank import load_bank
from coach.schedule.chart import chart_data, draw_weekly_chart
from coach.schedule.digests import BlockLine, DayTotals, WeeklySummary
from db.database import Database
from db.models import BlockStatus, FocusBlock, QuizPrompt, SchedulePause, User
from db.study_repositories import PlanRepository

MONDAY = date(2026, 3, 2)
WEEK = tuple(MONDAY + timedelta(days=n) for n in range(7))
LANGUAGES = ("zh", "en")
# What each language's picture must say, and what it must not.
WEEKDAYS = {"zh": "周一", "en": "Mon"}
STANDARD = {"zh": "每日最低标准 35 分钟", "en": "Minimum Viable Day: 35 min"}
PAUSED = {"zh": "暂停", "en": "Paused"}
TODAY = {"zh": "今天", "en": "Today"}
TOPICS = {"zh": ("卷积", "残差连接", "注意力"), "en": ("Convolution", "Residuals", "Attention")}


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


@pytest.fixture(autouse=True)
def glyph_warnings_fail() -> Iterator[None]:
    """A glyph matplotlib cannot find in the font would be drawn as an empty box: fail."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*Glyph .* missing.*")
        yield


def _emoji(day: int) -> tuple[str, ...]:
    """A learner's topic with an emoji the font lacks, on the last day of the full week."""
    return ("demo ✅",) if day == 6 else ()


def _week(language: str, kind: str) -> WeeklyChartData:
    topics = TOPICS[language]
    if kind == "empty":
        days = tuple(ChartDay(day, 0, 0) for day in WEEK)
        return WeeklyChartData(language, 1, days, today=WEEK[2])
    if kind == "full":
        minutes = (45, 1, 90, 40, 35, 120, 50)
        blocks = (1, 1, 2, 1, 1, 3, 1)
        days = tuple(
            ChartDay(day, minutes[n], blocks[n], topics[: blocks[n]] + _emoji(n))
            for n, day in enumerate(WEEK)
        )
        return WeeklyChartData(language, 2, days, today=WEEK[6])
    assert kind == "paused"
    days = tuple(
        ChartDay(day, 40, 1, topics[:1]) if n < 2 else ChartDay(day, 0, 0, paused=True)
        for n, day in enumerate(WEEK)
    )
    return WeeklyChartData(language, 3, days, today=WEEK[4])


def _plan(language: str, kind: str) -> ProgressData:
    topics = TOPICS[language]
    if kind == "empty":
        return ProgressData(language, MONDAY, 6, MONDAY)
    if kind in ("full", "paused"):
        paused = kind == "paused"
        minutes = {} if paused else {day: 45 + 10 * n for n, day in enumerate(WEEK)}
        return ProgressData(
            language,
            MONDAY,
            6,
            WEEK[6],
            minutes,
            blocks=len(minutes),
            paused=frozenset(WEEK) if paused else frozenset(),
            checklist=(WeekChecklist(1, 1 if paused else 5, 5),),
            current_streak=0 if paused else 7,
            longest_streak=0 if paused else 7,
            quiz=() if paused else (TopicAccuracy(topics[0], 1, 1),),
        )
    assert kind == "six weeks"
    last = MONDAY + timedelta(days=41)
    days = [MONDAY + timedelta(days=n) for n in range(42)]
    return ProgressData(
        language,
        MONDAY,
        6,
        last,
        {day: (n * 17) % 100 for n, day in enumerate(days)},
        blocks=50,
        paused=frozenset(days[10:13]),
        checklist=tuple(WeekChecklist(n, min(n, 4), 4) for n in range(1, 7)),
        current_streak=1,
        longest_streak=12,
        quiz=tuple(TopicAccuracy(name, n, n + 1) for n, name in enumerate(topics)),
    )


KINDS = ("empty", "full", "paused", "six weeks")
DRAW: dict[str, Callable[[str, str], WeeklyChart | Picture]] = {
    "weekly": lambda language, kind: draw_weekly(
        _week(language, "full" if kind == "six weeks" else kind)
    ),
    "progress": lambda language, kind: draw_progress(_plan(language, kind)),
}


@pytest.fixture(scope="module")
def pictures() -> dict[tuple[str, str, str], WeeklyChart | Picture]:
    """Every picture of every case, drawn once."""
    drawn = {}
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*Glyph .* missing.*")
        for name, draw in DRAW.items():
            for language in LANGUAGES:
                for kind in KINDS:
                    drawn[name, language, kind] = draw(language, kind)
    return drawn


CASES = [(name, language, kind) for name in DRAW for language in LANGUAGES for kind in KINDS]


@pytest.mark.parametrize(("name", "language", "kind"), CASES)
def test_each_picture_is_a_phone_sized_2x_png_that_is_not_blank(
    pictures: dict[tuple[str, str, str], WeeklyChart | Picture],
    name: str,
    language: str,
    kind: str,
) -> None:
    picture = pictures[name, language, kind]
    image = Image.open(io.BytesIO(picture.png))
    image.load()
    assert image.format == "PNG"
    assert image.width == 1080, "5.4 inches at 2× (200 DPI): the width of a phone screen"
    assert 800 <= image.height <= 2600
    assert [round(value) for value in image.info["dpi"]] == [DPI, DPI] == [200, 200]
    pixels = image.convert("L")
    histogram = pixels.histogram()
    not_white = sum(histogram[:245]) / (image.width * image.height)
    assert not_white > 0.03, "something is drawn"
    assert len(image.convert("RGB").getcolors(1 << 20) or ()) > 50, "more than a flat fill"


@pytest.mark.parametrize(("name", "language", "kind"), CASES)
def test_every_drawn_character_has_a_glyph_in_the_bundled_font(
    pictures: dict[tuple[str, str, str], WeeklyChart | Picture],
    name: str,
    language: str,
    kind: str,
) -> None:
    picture = pictures[name, language, kind]
    assert picture.font_files == {str(font_path())}, "every text is set in Noto Sans SC"
    cmap = covered()
    missing = {ch for text in picture.texts for ch in text if not ch.isspace()} - {
        chr(code) for code in cmap
    }
    assert not missing, f"tofu: {sorted(missing)}"


@pytest.mark.parametrize(("name", "language", "kind"), CASES)
def test_the_words_are_in_the_learners_language(
    pictures: dict[tuple[str, str, str], WeeklyChart | Picture],
    name: str,
    language: str,
    kind: str,
) -> None:
    texts = pictures[name, language, kind].texts
    joined = "\n".join(texts)
    if language == "zh":
        assert any(_is_cjk(ch) for ch in joined)
        for english in ("Week", "Mon", "min", "Today", "Paused", "streak", "Quiz"):
            assert english not in joined
    else:
        assert not any(_is_cjk(ch) for ch in joined), joined
    if name == "weekly":
        assert any(WEEKDAYS[language] in text for text in texts)
        assert STANDARD[language] in texts


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_weekly_chart_marks_today_pauses_topics_and_the_standard(
    pictures: dict[tuple[str, str, str], WeeklyChart | Picture], language: str
) -> None:
    full = pictures["weekly", language, "full"]
    assert isinstance(full, WeeklyChart)
    assert any(text.startswith(TODAY[language] + "\n") for text in full.texts)
    assert any(TOPICS[language][2] in text for text in full.texts), "the day's topics"
    assert any(text.endswith("\ndemo") for text in full.texts), "the emoji is left out"
    assert PAUSED[language] not in full.texts
    stored = json.loads(Image.open(io.BytesIO(full.png)).info[CHART_METADATA_KEY])
    assert stored["minutes"] == [45, 1, 90, 40, 35, 120, 50] == list(full.minutes)
    paused = pictures["weekly", language, "paused"]
    assert paused.texts.count(PAUSED[language]) == 5, "one label per paused day"
    empty = pictures["weekly", language, "empty"]
    assert {"zh": "这一周还没有完成的专注块", "en": "No focus blocks finished this week yet"}[
        language
    ] in empty.texts


def test_english_counts_agree_with_their_numbers(
    pictures: dict[tuple[str, str, str], WeeklyChart | Picture],
) -> None:
    weekly = "\n".join(pictures["weekly", "en", "full"].texts)
    assert "1 min\n1 block" in weekly and "3 blocks" in weekly
    assert "10 focus blocks" in weekly
    progress = "\n".join(pictures["progress", "en", "six weeks"].texts)
    assert "1 day" in progress.splitlines() and "12 days" in progress.splitlines()
    empty = "\n".join(pictures["progress", "en", "empty"].texts)
    assert "0 focus blocks" in empty and "0 days" in empty
    for text in (weekly, progress, empty):
        assert not re.search(r"(?<![0-9])1 (blocks|focus blocks|days)", text), text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_progress_picture_shows_every_week_streaks_checklists_and_quiz(
    pictures: dict[tuple[str, str, str], WeeklyChart | Picture], language: str
) -> None:
    texts = pictures["progress", language, "six weeks"].texts
    week = {"zh": "第{}周", "en": "W{}"}[language]
    # Each week is named twice: a row of the calendar and a bar of the checklist.
    assert all(texts.count(week.format(n)) == 2 for n in range(1, 7))
    assert "4/4" in texts and "1/4" in texts
    assert {"zh": "12 天", "en": "12 days"}[language] in texts
    assert {"zh": "0%（0/1）", "en": "0% (0/1)"}[language] in texts
    assert {"zh": "67%（2/3）", "en": "67% (2/3)"}[language] in texts
    assert str((41 * 17) % 100) in texts, "the last day's minutes in its calendar cell"
    empty = pictures["progress", language, "empty"].texts
    assert {
        "zh": "还没有答过测验题，发 /quiz 试一题",
        "en": "No quiz answers yet: send /quiz to try one",
    }[language] in empty


def test_the_glyph_check_catches_a_font_without_chinese() -> None:
    """The warning filter above really fails a picture drawn in matplotlib's default font."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure()
    FigureCanvasAgg(figure)
    figure.text(0.5, 0.5, "周一", fontfamily="DejaVu Sans")
    with pytest.raises(UserWarning, match="Glyph"):
        figure.savefig(io.BytesIO(), format="png")


def test_learner_words_the_font_cannot_draw_are_left_out() -> None:
    assert fit("CLIP 🔥 demo", 20) == "CLIP demo"
    assert fit("Transformer 自注意力机制", 12) == "Transformer…"
    assert fit("自注意力机制的推导过程", 12) == "自注意力机…"


def test_the_summary_becomes_a_chart_with_topics_today_and_pauses() -> None:
    profile = Profile(1, 1, "Lin", "en", "Asia/Shanghai")
    started = datetime(2026, 3, 2, 2, tzinfo=UTC)
    blocks = (
        BlockLine(WEEK[0], "CNN", 45, started, None),
        BlockLine(WEEK[0], "CNN", 30, started, None),
        BlockLine(WEEK[0], "", 40, started, "pooling keeps the channels and more"),
    )
    days = tuple(
        DayTotals(day, 3 if day == WEEK[0] else 0, 115 if day == WEEK[0] else 0) for day in WEEK
    )
    summary = WeeklySummary(profile, Week(1, WEEK[0], WEEK[6]), days, blocks, (), (), 1)
    data = chart_data(summary, today=WEEK[1], paused_days={WEEK[5], date(2026, 4, 1)})
    assert data.days[0].topics == ("CNN", "pooling keeps the")
    assert [day.paused for day in data.days] == [False] * 5 + [True, False]
    assert data.today == WEEK[1] and data.language == "en"
    assert chart_data(summary, today=date(2026, 4, 1)).today is None, "today outside the week"
    chart = draw_weekly_chart(summary)
    assert chart.minutes == (115, 0, 0, 0, 0, 0, 0)
    assert "Week 1 · Mar 2 – Mar 8" in chart.texts


def test_pictures_drawn_in_parallel_threads_are_those_drawn_one_by_one() -> None:
    cases = [("weekly", "zh", "full"), ("progress", "en", "six weeks")] * 3
    alone = [DRAW[name](language, kind).png for name, language, kind in cases]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda case: DRAW[case[0]](case[1], case[2]).png, cases))
    assert together == alone


def test_the_bot_does_not_load_matplotlib_until_a_picture_is_asked_for() -> None:
    code = (
        "import sys, bot.app, coach.progress.gather, coach.schedule.summary_replies\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib loaded at import'\n"
        "from coach.pictures.weekly import ChartDay, WeeklyChartData, draw_weekly\n"
        "import datetime\n"
        "day = datetime.date(2026, 3, 2)\n"
        "draw_weekly(WeeklyChartData('zh', 1, tuple(ChartDay(day, 0, 0) for _ in range(7))))\n"
        "assert 'matplotlib' in sys.modules\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


def test_the_longest_streak_skips_rest_days_and_breaks_on_missed_ones() -> None:
    days = [MONDAY + timedelta(days=n) for n in range(20)]
    active = set(days[0:3]) | set(days[5:9]) | {days[12]}
    assert longest_streak(active) == 4
    assert longest_streak(active, rest_days=set(days[3:5])) == 7
    assert longest_streak(set()) == 0


# The database side: `progress_data` reads what `/progress` shows.

LIN = Identity(user_id=1001, chat_id=1001, first_name="Lin")


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    yield db
    await db.dispose()


async def test_progress_data_gathers_minutes_pauses_checklist_streaks_and_quiz(
    database: Database,
) -> None:
    """Lin started on Monday 2026-03-02 (Shanghai); it is now Wednesday of week 2."""
    clock_now = datetime(2026, 3, 11, 4, 0, tzinfo=UTC)

    class Clock:
        def now(self) -> datetime:
            return clock_now

        def real_seconds_until(self, instant: datetime) -> float:
            return 0.0

    clock = Clock()
    learners = Learners(LearnerDefaults("zh", "Asia/Shanghai"), clock)
    coach = Coach(CoachConfig(reward_min_minutes=35), clock, learners)
    bank = load_bank()
    async with database.session() as session:
        await coach.learners.profile(session, LIN)
        user = await session.get(User, LIN.user_id)
        assert user is not None
        user.created_at = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
        # Active on the 2nd-4th, a pause on the 5th-6th, active on the 7th-11th.
        for day in (2, 3, 4, 7, 8, 9, 10, 11):
            started = datetime(2026, 3, day, 2, tzinfo=UTC)
            session.add(
                FocusBlock(
                    user_id=LIN.user_id,
                    topic="CNN",
                    planned_minutes=45,
                    status=BlockStatus.COMPLETED,
                    started_at=started,
                    planned_end_at=started + timedelta(minutes=40 + day),
                    finished_at=started + timedelta(minutes=40 + day),
                    local_date=date(2026, 3, day),
                    late=False,
                )
            )
        session.add(
            SchedulePause(
                user_id=LIN.user_id,
                first_day=date(2026, 3, 5),
                last_day=date(2026, 3, 6),
                created_at=clock_now,
            )
        )
        cnn = [q.id for q in bank.questions if q.topic == "cnn"][:3]
        for index, (question_id, correct) in enumerate(zip(cnn, (True, True, False), strict=True)):
            sent = datetime(2026, 3, 3, 3, index, tzinfo=UTC)
            session.add(
                QuizPrompt(
                    user_id=LIN.user_id,
                    question_id=question_id,
                    kind="choice",
                    chat_id=LIN.chat_id,
                    language="zh",
                    sent_at=sent,
                    answered_at=sent + timedelta(seconds=20),
                    correct=correct,
                )
            )
        plans = PlanRepository(session)
        await session.flush()
        state = await plan_state(session, LIN.user_id, clock_now)
        assert state is not None
        state_week = state.plan.week(1)
        assert state_week is not None
        for item in state_week.items[:2]:
            await plans.tick(LIN.user_id, item.index, clock_now)
        await session.commit()

    async with database.session() as session:
        data = await progress_data(session, LIN.user_id, clock_now, bank)
    assert data is not None
    assert (data.language, data.start_date, data.today, data.weeks) == (
        "zh",
        date(2026, 3, 2),
        date(2026, 3, 11),
        6,
    )
    assert data.current_week == 2
    assert data.minutes[date(2026, 3, 2)] == 42 and data.minutes[date(2026, 3, 11)] == 51
    assert data.blocks == 8 and date(2026, 3, 5) in data.paused
    assert data.current_streak == 8, "the pause neither counts nor breaks the streak"
    assert data.longest_streak == 8
    assert data.checklist[0] == WeekChecklist(1, 2, len(state_week.items))
    assert [(q.name, q.correct, q.answered) for q in data.quiz] == [("CNN", 2, 3)]
    assert not is_last_plan_week(data)
    picture = draw_progress(data)
    assert "42" in picture.texts and "67%（2/3）" in picture.texts
    async with database.session() as session:
        assert await progress_data(session, 999, clock_now, bank) is None
        # With a standard of 45 minutes the blocks of 42-44 minutes (2-4 March) fall short.
        user = await session.get(User, LIN.user_id)
        assert user is not None
        user.settings = {"standard_minutes": 45}
        stricter = await progress_data(session, LIN.user_id, clock_now, bank)
    assert stricter is not None and stricter.standard_minutes == 45
    assert stricter.current_streak == 5 and stricter.longest_streak == 5
    assert stricter.minutes[date(2026, 3, 2)] == 42, "short blocks still count as minutes"
