"""The plan use cases: which week it is, today's item, ticks, start date, import and export."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from coach.clock import Clock
from coach.learners.profile import Identity, Profile
from coach.learners.registry import Learners
from coach.messages import normalize_language
from coach.plan.export import export_with_ticks
from coach.plan.parser import ChecklistItem, PlanParseError, PlanWeek, StudyPlan, parse_plan
from coach.plan.weeks import plan_week, plan_week_of
from db.models import StudyPlanRecord, User
from db.repositories import UserRepository
from db.study_repositories import PlanRepository

DEFAULT_PLAN_FILES = {"zh": "default_plan_zh.md", "en": "default_plan_en.md"}
# What an imported plan may be. Beyond these it is not a study plan a person follows week by
# week (two years, a thousand items), and /plan, its buttons and the reminders would drown.
MAX_PLAN_BYTES = 256 * 1024
MAX_WEEKS = 104
MAX_ITEMS = 1000
MAX_FILE_NAME = 255
# Magic numbers of files people send by mistake instead of their .md plan.
_BINARY_KINDS = (
    (b"%PDF", "PDF"),
    (b"PK\x03\x04", "ZIP / Word (.docx)"),
    (b"\xd0\xcf\x11\xe0", "Word (.doc)"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"{\\rtf", "RTF"),
)
_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")
# Every refusal of an uploaded plan, as PlanParseError.key; each message says what was
# expected and what was found, and that the learner's current plan stays.
REFUSAL_KEYS = (
    "plan.too_large_found",
    "plan.binary",
    "plan.binary_kind",
    "plan.not_utf8",
    "plan.not_utf8_guess",
    "plan.no_weeks",
    "plan.too_many_weeks",
    "plan.too_many_items",
)


@cache
def default_plan(language: str) -> StudyPlan:
    """The project's own Stage 1 plan in `language` (used until a learner imports theirs)."""
    name = DEFAULT_PLAN_FILES[normalize_language(language)]
    return parse_plan(resources.files("coach.plan").joinpath(name).read_text("utf-8"))


def decode_document(data: bytes) -> str:
    """The text of an uploaded plan; raises PlanParseError if it is not UTF-8 Markdown.

    Each refusal names what was expected and what was found: its size, the kind of file, or
    the encoding it seems to be in.
    """
    if len(data) > MAX_PLAN_BYTES:
        size = -(-len(data) // 1024)
        raise PlanParseError("plan.too_large_found", size=size, limit=MAX_PLAN_BYTES // 1024)
    kind = next((name for magic, name in _BINARY_KINDS if data.startswith(magic)), None)
    if kind is not None:
        raise PlanParseError("plan.binary_kind", kind=kind)
    if data.startswith(_UTF16_MARKS):
        raise PlanParseError("plan.not_utf8_guess", encoding="UTF-16")
    try:
        # Plain "utf-8" keeps a byte-order mark as U+FEFF, so an export gives it back too.
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        try:
            data.decode("gb18030")
        except UnicodeDecodeError:
            if b"\x00" in data:
                raise PlanParseError("plan.binary") from error
            raise PlanParseError("plan.not_utf8", position=error.start + 1) from error
        raise PlanParseError("plan.not_utf8_guess", encoding="GBK / GB18030") from error
    if "\x00" in text:
        raise PlanParseError("plan.binary")
    return text


def check_plan(plan: StudyPlan) -> StudyPlan:
    """The plan, if it is within the limits a learner's plan may have; else PlanParseError."""
    if len(plan.weeks) > MAX_WEEKS or plan.last_week > MAX_WEEKS:
        found = max(len(plan.weeks), plan.last_week)
        raise PlanParseError("plan.too_many_weeks", found=found, limit=MAX_WEEKS)
    if len(plan.items) > MAX_ITEMS:
        raise PlanParseError("plan.too_many_items", found=len(plan.items), limit=MAX_ITEMS)
    return plan


def read_plan(data: bytes) -> StudyPlan:
    """An uploaded document as a plan: decoded, parsed and within the limits.

    Raises PlanParseError with the catalog key (and its values) of the refusal to show; the
    learner's current plan is never touched by a refusal.
    """
    return check_plan(parse_plan(decode_document(data)))


@dataclass(frozen=True)
class PlanState:
    """The learner's plan as of today."""

    profile: Profile
    plan: StudyPlan
    imported: bool
    file_name: str | None
    revision: int
    start_date: date
    today: date
    ticked: frozenset[int]

    @property
    def current_week(self) -> int:
        """1-based week of the plan today; 0 before the start, beyond the last after the end."""
        return max(0, plan_week_of(self.today, self.start_date).number)

    @property
    def shown_week(self) -> int:
        """The week `/plan` shows: the current one, kept within the plan."""
        weeks = [week.number for week in self.plan.weeks]
        current = self.current_week
        if current in weeks:
            return current
        if current < weeks[0]:
            return weeks[0]
        earlier = [number for number in weeks if number <= current]
        return earlier[-1] if earlier else weeks[0]

    def week_start(self, number: int) -> date:
        """The first day of week `number`."""
        return plan_week(number, self.start_date).first_day

    def view(self, number: int) -> WeekView | None:
        """Week `number` with its dates and ticks, if the plan has it."""
        week = self.plan.week(number)
        if week is None:
            return None
        dates = plan_week(number, self.start_date)
        return WeekView(
            profile=self.profile,
            week=week,
            start=dates.first_day,
            end=dates.last_day,
            today=self.today,
            current_week=self.current_week,
            last_week=self.plan.last_week,
            revision=self.revision,
            ticked=frozenset(i.index for i in week.items if i.index in self.ticked),
            imported=self.imported,
            file_name=self.file_name,
            start_date=self.start_date,
        )


@dataclass(frozen=True)
class WeekView:
    """One week as the learner sees it: dates, checklist and progress."""

    profile: Profile
    week: PlanWeek
    start: date
    end: date
    today: date
    current_week: int
    last_week: int
    revision: int
    ticked: frozenset[int]
    imported: bool
    file_name: str | None
    start_date: date

    @property
    def number(self) -> int:
        """The week's number."""
        return self.week.number

    @property
    def done(self) -> int:
        """Ticked items."""
        return len(self.ticked)

    @property
    def total(self) -> int:
        """All checklist items of the week."""
        return len(self.week.items)

    def is_ticked(self, item: ChecklistItem) -> bool:
        """Whether the learner ticked this item."""
        return item.index in self.ticked

    def position(self, item: ChecklistItem) -> int:
        """The item's 1-based number within the week, as `/check N` uses it."""
        return self.week.items.index(item) + 1

    @property
    def day(self) -> int | None:
        """Today's day of this week (1-7), None when today is outside it."""
        if not self.start <= self.today <= self.end:
            return None
        return (self.today - self.start).days + 1


@dataclass(frozen=True)
class TodaySuggestion:
    """What to work on today: an unticked item of the current week, if any is left."""

    state: PlanState
    view: WeekView
    item: ChecklistItem | None

    @property
    def before_start(self) -> bool:
        """The plan has not started yet."""
        return self.state.current_week == 0

    @property
    def after_end(self) -> bool:
        """The plan's last week is over."""
        return self.state.current_week > self.state.plan.last_week


@dataclass(frozen=True)
class NoSuchWeek:
    """The plan has no week with that number."""

    profile: Profile
    number: int
    weeks: tuple[int, ...]


@dataclass(frozen=True)
class ItemChecked:
    """An item was ticked (or already was) or unticked."""

    view: WeekView
    item: ChecklistItem
    changed: bool
    ticked: bool


@dataclass(frozen=True)
class NoSuchItem:
    """The week has no item with that number."""

    view: WeekView
    position: str


@dataclass(frozen=True)
class StalePlan:
    """A button of a plan the learner has since replaced."""

    state: PlanState


@dataclass(frozen=True)
class PlanImported:
    """A learner's own plan replaced the previous one."""

    state: PlanState
    ticked_in_document: int
    kept: int = 0  # ticks of the previous plan carried over to items with the same text
    reset: int = 0  # ticks of the previous plan whose item is gone or was reworded

    @property
    def preparation_week(self) -> bool:
        """The plan has a week 0: it comes before week 1, the week before the start date."""
        return self.state.plan.week(0) is not None


@dataclass(frozen=True)
class PlanExport:
    """The learner's plan as a Markdown file with their ticks."""

    profile: Profile
    file_name: str
    content: bytes
    done: int
    total: int


@dataclass
class _Loaded:
    user: User
    record: StudyPlanRecord | None
    ticks: dict[int, datetime] = field(default_factory=dict)


class Planner:
    """Plan use cases; like the Coach, methods flush and never commit."""

    def __init__(self, learners: Learners, clock: Clock) -> None:
        self.learners = learners
        self.clock = clock

    async def _load(self, session: AsyncSession, who: Identity) -> tuple[Profile, _Loaded]:
        profile = await self.learners.profile(session, who)
        user = await UserRepository(session).get(profile.user_id)
        assert user is not None, "Coach.profile creates the learner"
        plans = PlanRepository(session)
        return profile, _Loaded(user, await plans.get(user.id), await plans.ticks(user.id))

    def _state(self, profile: Profile, loaded: _Loaded) -> PlanState:
        return build_state(profile, loaded.user, loaded.record, loaded.ticks, self.clock.now())

    async def state(self, session: AsyncSession, who: Identity) -> PlanState:
        """The learner's plan today."""
        profile, loaded = await self._load(session, who)
        return self._state(profile, loaded)

    async def week(
        self, session: AsyncSession, who: Identity, number: int | None = None
    ) -> WeekView | NoSuchWeek:
        """Week `number` (this week by default)."""
        state = await self.state(session, who)
        view = state.view(state.shown_week if number is None else number)
        if view is None:
            weeks = tuple(week.number for week in state.plan.weeks)
            return NoSuchWeek(state.profile, number or 0, weeks)
        return view

    async def today(self, session: AsyncSession, who: Identity) -> TodaySuggestion:
        """Today's suggested item of the current week."""
        return suggest_today(await self.state(session, who))

    async def check(
        self, session: AsyncSession, who: Identity, position: str
    ) -> ItemChecked | NoSuchItem:
        """Tick item number `position` of this week (`/check N`)."""
        state = await self.state(session, who)
        view = state.view(state.shown_week)
        assert view is not None
        if not position.isdigit() or not 1 <= int(position) <= view.total:
            return NoSuchItem(view, position[:16])
        item = view.week.items[int(position) - 1]
        changed = await PlanRepository(session).tick(
            state.profile.user_id, item.index, self.clock.now()
        )
        return ItemChecked(await self._refreshed(session, who, view.number), item, changed, True)

    async def toggle(
        self, session: AsyncSession, who: Identity, revision: int, item_index: int
    ) -> ItemChecked | StalePlan:
        """Tick or untick an item from its button under `/plan`."""
        state = await self.state(session, who)
        item = next((i for i in state.plan.items if i.index == item_index), None)
        if state.revision != revision or item is None:
            return StalePlan(state)
        plans = PlanRepository(session)
        if item.index in state.ticked:
            await plans.untick(state.profile.user_id, item.index)
            ticked = False
        else:
            await plans.tick(state.profile.user_id, item.index, self.clock.now())
            ticked = True
        return ItemChecked(await self._refreshed(session, who, item.week), item, True, ticked)

    async def _refreshed(self, session: AsyncSession, who: Identity, number: int) -> WeekView:
        view = (await self.state(session, who)).view(number)
        assert view is not None
        return view

    async def set_start(self, session: AsyncSession, who: Identity, start: date) -> PlanState:
        """Week 1 starts on `start` (a local date)."""
        profile, loaded = await self._load(session, who)
        record = await self._record(session, loaded)
        record.start_date = start
        record.updated_at = self.clock.now()
        loaded.record = record
        return self._state(profile, loaded)

    async def import_document(
        self, session: AsyncSession, who: Identity, file_name: str, data: bytes
    ) -> PlanImported:
        """Replace the learner's plan by their own document; raises PlanParseError if unusable.

        The ticks become those written in the document (`- [x]`), so importing an exported
        plan restores the learner's progress, plus the previous plan's ticks on items whose
        text is unchanged, so importing an edited plan keeps it too.
        """
        plan = read_plan(data)
        profile, loaded = await self._load(session, who)
        previous = self._state(profile, loaded)
        carried, reset = carry_ticks(previous.plan, previous.ticked, plan)
        record = await self._record(session, loaded)
        now = self.clock.now()
        record.document = plan.document
        record.file_name = file_name[:MAX_FILE_NAME] or "plan.md"
        record.revision += 1
        record.imported_at = now
        record.updated_at = now
        in_document = {item.index for item in plan.items if item.checked}
        ticked = sorted(in_document | carried)
        await PlanRepository(session).replace_ticks(profile.user_id, ticked, now)
        loaded.record = record
        loaded.ticks = dict.fromkeys(ticked, now)
        return PlanImported(
            self._state(profile, loaded),
            ticked_in_document=len(in_document),
            kept=len(carried),
            reset=reset,
        )

    async def export(self, session: AsyncSession, who: Identity) -> PlanExport:
        """The plan's Markdown with `[x]` on exactly the ticked items."""
        state = await self.state(session, who)
        content = export_with_ticks(state.plan, state.ticked).encode("utf-8")
        name = state.file_name or f"study-plan-{state.profile.language}.md"
        return PlanExport(state.profile, name, content, len(state.ticked), len(state.plan.items))

    async def _record(self, session: AsyncSession, loaded: _Loaded) -> StudyPlanRecord:
        if loaded.record is not None:
            return loaded.record
        return await PlanRepository(session).add(
            StudyPlanRecord(user_id=loaded.user.id, revision=0, updated_at=self.clock.now())
        )


def plan_start(user: User, record: StudyPlanRecord | None) -> date:
    """The first day of plan week 1: the `/plan start` date, by default the learner's first
    contact (a local date). `/plan` and the weekly summaries both count weeks from it."""
    if record is not None and record.start_date is not None:
        return record.start_date
    return user.created_at.astimezone(ZoneInfo(user.timezone)).date()


def build_state(
    profile: Profile,
    user: User,
    record: StudyPlanRecord | None,
    ticks: dict[int, datetime],
    now: datetime,
) -> PlanState:
    """Put a learner's stored plan together with the date today."""
    zone = ZoneInfo(user.timezone)
    imported = record is not None and record.document is not None
    if record is not None and record.document is not None:
        plan = parse_plan(record.document)
    else:
        plan = default_plan(user.language)
    valid = {item.index for item in plan.items}
    return PlanState(
        profile=profile,
        plan=plan,
        imported=imported,
        file_name=record.file_name if record else None,
        revision=record.revision if record else 0,
        start_date=plan_start(user, record),
        today=now.astimezone(zone).date(),
        ticked=frozenset(index for index in ticks if index in valid),
    )


def carry_ticks(
    previous: StudyPlan, ticked: frozenset[int], plan: StudyPlan
) -> tuple[set[int], int]:
    """Which items of `plan` keep a tick of `previous`, and how many ticks are lost.

    An item keeps a tick when its text is unchanged: in the same week first, then anywhere
    (a week renumbered). Items with the same text are matched in order.
    """
    old = [item for item in previous.items if item.index in ticked]
    by_week = Counter((item.week, item.text) for item in old)
    by_text = Counter(item.text for item in old)
    carried: set[int] = set()
    for item in plan.items:
        if by_week[item.week, item.text] > 0:
            by_week[item.week, item.text] -= 1
            by_text[item.text] -= 1
            carried.add(item.index)
    for item in plan.items:
        if item.index not in carried and by_text[item.text] > 0:
            by_text[item.text] -= 1
            carried.add(item.index)
    return carried, len(old) - len(carried)


def suggest_today(state: PlanState) -> TodaySuggestion:
    """The item to work on today: an open one dated today (`- **2024-08-05**: …`), else the
    one of this week whose `Day N` covers today, else this week's first unticked."""
    dated = next(
        (
            item
            for item in state.plan.items
            if item.date == state.today and item.index not in state.ticked
        ),
        None,
    )
    if dated is not None:
        dated_view = state.view(dated.week)
        assert dated_view is not None
        return TodaySuggestion(state, dated_view, dated)
    view = state.view(state.shown_week)
    assert view is not None
    open_items = [item for item in view.week.items if not view.is_ticked(item)]
    day = view.day
    for item in open_items:
        days = item.days
        if day is not None and days is not None and days[0] <= day <= days[1]:
            return TodaySuggestion(state, view, item)
    return TodaySuggestion(state, view, open_items[0] if open_items else None)
