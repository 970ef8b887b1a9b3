"""Reads a study plan written in Markdown into weeks: theme, goal, checklist and deliverable.

The parser is built for documents people actually keep — a blog post with YAML front matter,
kramdown attributes (`{: .prompt-info}`), quotes, tables and code blocks — and never rewrites
them: each checklist item remembers the line and column of its `[ ]` mark, so an export can
change exactly those characters and nothing else (see `coach.plan.export`).

A week is a heading that names one (`## 2. 第 1 周：…`, `## Week 3: CLIP`) and runs until the
next heading of the same or a higher level. A heading may name several weeks (`第 5–6 周`); its
checklist items then go to the week an item (or a sub-heading) names, the first week otherwise.
A timeline table whose first column names weeks gives each week its theme and deliverable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from coach.plan.markdown import KRAMDOWN_ATTRIBUTES, day_span, plain_inline, week_span

MAX_DETAIL_LINES = 8

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_ATX_HEADING = re.compile(r"^ {0,3}(?P<hashes>#{1,6})(?:[ \t]+(?P<text>.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_QUOTE_PREFIX = re.compile(r"^(?:[ \t]{0,3}>[ \t]?)+")
_LIST_ITEM = re.compile(
    r"^(?P<indent>[ \t]*)(?P<bullet>[-*+]|\d{1,9}[.)])(?:[ \t]+|$)(?P<rest>.*)$"
)
_TASK = re.compile(r"^\[(?P<mark>[ xX])\](?:[ \t]+(?P<text>.*))?$")
_TABLE_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$")
_TABLE_SEPARATOR = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-+:?[ \t]*\|)+[ \t]*(?::?-+:?[ \t]*)?$")
_THEMATIC_BREAK = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_LABEL = re.compile(
    r"^[ \t]*(?:[-*+][ \t]+)?(?:\*\*|__)?"
    r"(?P<label>本周目标|目标|最终可见成果|可见成果|成果|产出|交付物|"
    r"goals?|objectives?|deliverables?|outcomes?|outputs?)"
    r"(?:\*\*|__)?[ \t]*[：:][ \t]*(?:\*\*|__)?[ \t]*(?P<value>.*)$",
    re.IGNORECASE,
)
_GOAL_LABELS = ("目标", "本周目标", "goal", "goals", "objective", "objectives")
_THEME_HEADERS = ("主题", "theme", "topic", "focus")
_DELIVERABLE_HEADERS = ("成果", "产出", "交付", "deliverable", "output", "outcome")
_WEEK_HEADERS = ("周", "week")
_FRONT_MATTER_TITLE = re.compile(r"^title:[ \t]*(?P<title>.*?)[ \t]*$")


class PlanParseError(ValueError):
    """The document is not a plan this parser can read; `key` names the message to show."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class ChecklistItem:
    """One `- [ ]` / `- [x]` line of a week, nested ones included."""

    index: int  # ordinal among the plan's checklist items: what a tick is stored against
    week: int
    line: int  # 0-based line of the document
    mark_column: int  # where the character between the brackets sits on that line
    depth: int  # 0 for a top-level item
    text: str  # as the reader sees it: no emphasis markers, no kramdown attributes
    checked: bool  # as written in the document
    details: tuple[str, ...] = ()  # the plain bullet lines under it

    @property
    def days(self) -> tuple[int, int] | None:
        """The days of the week the item names (`Day 1–2`, `第 3 天`), if any."""
        return day_span(self.text)


@dataclass(frozen=True)
class PlanWeek:
    """One week of the plan."""

    number: int
    title: str  # from the heading
    theme: str  # from the timeline table, else the title
    goal: str
    deliverable: str
    items: tuple[ChecklistItem, ...]


@dataclass(frozen=True)
class StudyPlan:
    """A parsed plan and the document it came from."""

    document: str
    title: str
    weeks: tuple[PlanWeek, ...]

    @property
    def items(self) -> tuple[ChecklistItem, ...]:
        """Every checklist item of every week, in document order."""
        return tuple(sorted((i for w in self.weeks for i in w.items), key=lambda i: i.index))

    def week(self, number: int) -> PlanWeek | None:
        """Week `number`, if the plan has it."""
        return next((week for week in self.weeks if week.number == number), None)

    @property
    def last_week(self) -> int:
        """The number of the plan's last week."""
        return max(week.number for week in self.weeks)


@dataclass
class _WeekDraft:
    number: int
    title: str = ""
    theme: str = ""
    goal: str = ""
    deliverable: str = ""
    items: list[ChecklistItem] = field(default_factory=list)


@dataclass
class _Section:
    level: int
    first: int
    last: int
    current: int  # the week items go to in a multi-week section


@dataclass
class _OpenItem:
    draft_index: int  # position in the week draft's items
    week: int
    content_indent: int  # columns after the quote prefix where its text starts
    quote_depth: int
    details: list[str] = field(default_factory=list)


@dataclass
class _Line:
    number: int
    raw: str  # without the line ending
    body: str  # after any blockquote prefix
    prefix_length: int
    quote_depth: int


class _Parser:
    def __init__(self, document: str) -> None:
        self.document = document
        self.lines = [line.removesuffix("\r") for line in document.split("\n")]
        self.weeks: dict[int, _WeekDraft] = {}
        self.section: _Section | None = None
        self.title = ""
        self.item_count = 0
        self.open_items: list[_OpenItem] = []
        self.pending_label: tuple[str, int] | None = None  # (goal|deliverable, week)
        self.section_weeks: set[int] = set()

    # -- driving ------------------------------------------------------------------------------

    def parse(self) -> StudyPlan:
        start = self._skip_front_matter()
        fence: tuple[str, int] | None = None  # (fence characters, quote depth)
        in_comment = False
        last_blank = True
        in_list = False
        index = start
        while index < len(self.lines):
            line = self._line(index)
            index += 1
            stripped = line.body.strip()
            if fence is not None:
                if self._closes_fence(line.body, fence[0]):
                    fence = None
                continue
            if in_comment:
                in_comment = "-->" not in line.raw
                continue
            if stripped.startswith("<!--"):
                in_comment = "-->" not in stripped[4:]
                continue
            opened = _FENCE.match(line.body)
            if opened and not ("`" in opened["fence"] and "`" in opened["info"]):
                fence = (opened["fence"], line.quote_depth)
                continue
            if not stripped:
                last_blank = True
                self.pending_label = None
                continue
            # An indented line after a blank that is not inside a list is a code block.
            indent = _columns(line.body[: len(line.body) - len(line.body.lstrip())])
            if indent >= 4 and last_blank and not in_list:
                continue
            was_blank, last_blank = last_blank, False
            if KRAMDOWN_ATTRIBUTES.fullmatch(stripped) or _THEMATIC_BREAK.match(line.body):
                in_list = False if _THEMATIC_BREAK.match(line.body) else in_list
                continue
            heading = self._heading(line, index)
            if heading is not None:
                level, text, consumed = heading
                index += consumed
                self._on_heading(level, text)
                in_list = False
                continue
            if _TABLE_ROW.match(line.body) and index < len(self.lines):
                following = self._line(index)
                if _TABLE_SEPARATOR.match(following.body):
                    index = self._on_table(line, index)
                    in_list = False
                    continue
            listed = _LIST_ITEM.match(line.body)
            if listed:
                in_list = True
                self._on_list_item(line, listed)
                continue
            if was_blank and indent == 0 and line.quote_depth == 0:
                in_list = False
                self.open_items.clear()
            self._on_text(line, indent)
        return self._finish()

    def _line(self, number: int) -> _Line:
        raw = self.lines[number]
        prefix = _QUOTE_PREFIX.match(raw)
        length = prefix.end() if prefix else 0
        depth = raw[:length].count(">")
        return _Line(number, raw, raw[length:], length, depth)

    def _skip_front_matter(self) -> int:
        if not self.lines or self.lines[0].lstrip("\ufeff").strip() != "---":
            return 0
        for number in range(1, len(self.lines)):
            if self.lines[number].strip() in ("---", "..."):
                for line in self.lines[1:number]:
                    titled = _FRONT_MATTER_TITLE.match(line)
                    if titled:
                        self.title = titled["title"].strip("'\"")
                return number + 1
        return 0

    @staticmethod
    def _closes_fence(body: str, fence: str) -> bool:
        stripped = body.strip()
        return stripped.startswith(fence[0] * len(fence)) and set(stripped) == {fence[0]}

    # -- headings -----------------------------------------------------------------------------

    def _heading(self, line: _Line, next_index: int) -> tuple[int, str, int] | None:
        if line.quote_depth:
            return None
        atx = _ATX_HEADING.match(line.body)
        if atx:
            return len(atx["hashes"]), atx["text"] or "", 0
        if next_index < len(self.lines) and not _LIST_ITEM.match(line.body):
            underline = _SETEXT_UNDERLINE.match(self.lines[next_index].removesuffix("\r"))
            if underline and not _TABLE_ROW.match(line.body) and line.body[:1] not in " \t":
                return (1 if underline.group(1)[0] == "=" else 2), line.body.strip(), 1
        return None

    def _on_heading(self, level: int, raw_text: str) -> None:
        text = plain_inline(raw_text)
        self.open_items.clear()
        self.pending_label = None
        if level == 1 and not self.title and self.section is None:
            self.title = text
        found = week_span(text)
        section = self.section
        if section is not None and level > section.level:
            if found and section.first <= found[0][0] == found[0][1] <= section.last:
                section.current = found[0][0]
            return  # a sub-heading inside the week
        self.section = None
        if found is None:
            return
        (first, last), match = found
        title = _title_after(text, match)
        for number in range(first, last + 1):
            draft = self.weeks.setdefault(number, _WeekDraft(number))
            draft.title = draft.title or title
        self.section = _Section(level, first, last, first)
        self.section_weeks.update(range(first, last + 1))

    # -- tables -------------------------------------------------------------------------------

    def _on_table(self, header: _Line, index: int) -> int:
        headers = [cell.lower() for cell in _cells(header.body)]
        week_column = _column(headers, _WEEK_HEADERS) or 0
        theme_column = _column(headers, _THEME_HEADERS)
        deliverable_column = _column(headers, _DELIVERABLE_HEADERS)
        index += 1  # the separator row
        while index < len(self.lines):
            row = self._line(index)
            if not _TABLE_ROW.match(row.body):
                break
            index += 1
            cells = _cells(row.body)
            found = week_span(cells[week_column]) if week_column < len(cells) else None
            if found is None:
                continue
            first, last = found[0]
            for number in range(first, last + 1):
                draft = self.weeks.setdefault(number, _WeekDraft(number))
                if theme_column is not None and theme_column < len(cells):
                    draft.theme = draft.theme or cells[theme_column]
                if deliverable_column is not None and deliverable_column < len(cells):
                    draft.deliverable = draft.deliverable or cells[deliverable_column]
        return index

    # -- lists and text -------------------------------------------------------------------------

    def _on_list_item(self, line: _Line, listed: re.Match[str]) -> None:
        indent = _columns(listed["indent"])
        bullet_end = listed.start("rest")
        task = _TASK.match(listed["rest"])
        while self.open_items and (
            self.open_items[-1].content_indent > indent
            or self.open_items[-1].quote_depth != line.quote_depth
        ):
            self.open_items.pop()
        if self.section is None:
            self.pending_label = None
            return
        if task is None:
            if not self.open_items:
                self._maybe_switch_week(plain_inline(listed["rest"]))
            self._on_text(line, indent, bullet_text=listed["rest"])
            return
        self.pending_label = None
        text = plain_inline(task["text"] or "")
        if indent == 0 or not self.open_items:
            self._maybe_switch_week(text)
        week = self.section.current
        draft = self.weeks[week]
        mark_column = line.prefix_length + bullet_end + 1
        item = ChecklistItem(
            index=self.item_count,
            week=week,
            line=line.number,
            mark_column=mark_column,
            depth=len(self.open_items),
            text=text,
            checked=task["mark"] in "xX",
        )
        self.item_count += 1
        draft.items.append(item)
        self.open_items.append(
            _OpenItem(
                len(draft.items) - 1, week, _columns(line.body[:bullet_end]), line.quote_depth
            )
        )

    def _maybe_switch_week(self, text: str) -> None:
        section = self.section
        assert section is not None
        found = week_span(text)
        if found and section.first <= found[0][0] == found[0][1] <= section.last:
            section.current = found[0][0]

    def _on_text(self, line: _Line, indent: int, bullet_text: str | None = None) -> None:
        section = self.section
        if section is None:
            return
        text = plain_inline(bullet_text if bullet_text is not None else line.body)
        if not text:
            return
        if bullet_text is None and not self.open_items:
            self._maybe_switch_week(text)
        labelled = _LABEL.match(line.body)
        if labelled and not self.open_items:
            kind = "goal" if labelled["label"].lower() in _GOAL_LABELS else "deliverable"
            value = plain_inline(labelled["value"])
            for number in range(section.first, section.last + 1):
                self._set_label(kind, number, value)
            self.pending_label = (kind, section.first) if not value else None
            return
        if self.pending_label is not None and bullet_text is not None and not self.open_items:
            kind, _ = self.pending_label
            for number in range(section.first, section.last + 1):
                self._append_label(kind, number, text)
            return
        if self.open_items and indent >= self.open_items[-1].content_indent:
            owner = self.open_items[-1]
            if len(owner.details) < MAX_DETAIL_LINES:
                owner.details.append(text)
                draft = self.weeks[owner.week]
                item = draft.items[owner.draft_index]
                draft.items[owner.draft_index] = _with_details(item, owner.details)

    def _set_label(self, kind: str, number: int, value: str) -> None:
        draft = self.weeks[number]
        if kind == "goal" and not draft.goal:
            draft.goal = value
        elif kind == "deliverable" and not draft.deliverable:
            draft.deliverable = value

    def _append_label(self, kind: str, number: int, value: str) -> None:
        draft = self.weeks[number]
        current = draft.goal if kind == "goal" else draft.deliverable
        joined = f"{current}\n{value}" if current else value
        if kind == "goal":
            draft.goal = joined
        else:
            draft.deliverable = joined

    # -- result -------------------------------------------------------------------------------

    def _finish(self) -> StudyPlan:
        # Table rows alone (a timeline without a section) do not make a week.
        drafts = [draft for draft in self.weeks.values() if draft.number in self.section_weeks]
        if not drafts:
            raise PlanParseError("plan.no_weeks")
        weeks = tuple(
            PlanWeek(
                number=draft.number,
                title=draft.title,
                theme=draft.theme or draft.title,
                goal=draft.goal,
                deliverable=draft.deliverable,
                items=tuple(draft.items),
            )
            for draft in sorted(drafts, key=lambda d: d.number)
        )
        return StudyPlan(self.document, self.title, weeks)


def _with_details(item: ChecklistItem, details: list[str]) -> ChecklistItem:
    return ChecklistItem(
        index=item.index,
        week=item.week,
        line=item.line,
        mark_column=item.mark_column,
        depth=item.depth,
        text=item.text,
        checked=item.checked,
        details=tuple(details),
    )


def _title_after(text: str, match: re.Match[str]) -> str:
    after = text[match.end() :].strip(" \t：:、-–—|")
    if after:
        return after
    before = re.sub(r"^\d+(\.\d+)*\.?\s*", "", text[: match.start()]).strip(" \t：:、-–—|")
    return before


def _columns(whitespace: str) -> int:
    return sum(4 if char == "\t" else 1 for char in whitespace)


def _cells(row: str) -> list[str]:
    body = row.strip()
    body = body.removeprefix("|").removesuffix("|")
    cells = re.split(r"(?<!\\)\|", body)
    return [plain_inline(cell.replace("\\|", "|")) for cell in cells]


def _column(headers: list[str], names: tuple[str, ...]) -> int | None:
    for position, header in enumerate(headers):
        if any(name in header for name in names):
            return position
    return None


@lru_cache(maxsize=32)
def parse_plan(document: str) -> StudyPlan:
    """Parse a Markdown plan; raises PlanParseError when no week can be found.

    Plans are read on every `/plan`; the result is immutable, so recent ones are kept.
    """
    return _Parser(document).parse()
