"""Reads a study plan written in Markdown into weeks: theme, goal, items and deliverable.

The document goes through a CommonMark parser (markdown-it-py, with tables and YAML front
matter), so fences, HTML comments, indented code, quotes and lazy lines mean what they mean
in any Markdown viewer. The parser never rewrites the document: each item remembers the line
and column of its `[ ]` mark (or, for a plain bullet, where a mark would go), so an export
changes exactly those characters and nothing else (see `coach.plan.export`).

A week is a heading that names one (`## 第 1 周：…`, `### **Week 3: CLIP**`, `## Week 0：…`,
`### 第十二周`) and runs until the next heading of the same or a higher level. A heading may
name several weeks (`第 5–6 周`, `## Phase 1 (Weeks 1–8)`): deeper headings that name one of
them give that week its own title and items; otherwise items go to the week an item names, the
first week of the range by default. A timeline table whose first column names weeks gives
each week its theme and deliverable. A plan pasted from a chat answer, inside one ```markdown
fence with chat text around it, is read from inside the fence.

Items are what a person would tick: where a week has checkboxes, its checkboxes (and the
plain bullets beside them in the same list); otherwise its top-level bullets, with nested
bullets kept as details. A label bullet with sub-bullets (`- **学习重点**：` / `- Tasks:`)
stands for its sub-bullets; lists of resources are not tasks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from coach.plan.markdown import date_in, day_span, plain_inline, week_span

MAX_DETAIL_LINES = 8
MAX_GROUP_LABEL = 24  # characters: a longer bullet ending in a colon is a task, not a label

_TASK = re.compile(r"^\[(?P<mark>[ xX])\](?:[ \t]+|$)")
_LABEL = re.compile(
    r"^(?P<label>本周目标|目标|最终可见成果|可见成果|成果|产出|交付物|"
    r"goals?|objectives?|deliverables?|outcomes?|outputs?)"
    r"[ \t]*[：:][ \t]*(?P<value>.*)$",
    re.IGNORECASE,
)
_RESOURCES = re.compile(
    r"^(?:[^\w]*\s*)?(?:关键|推荐|参考|学习|相关)?(?:资源|资料|链接|书单|阅读材料)(?:导航|推荐)?"
    r"|^(?:[^\w]*\s*)?(?:key |recommended |further |useful |additional )?"
    r"(?:resources?|references?|reading list|links|materials)\b",
    re.IGNORECASE,
)
_GOAL_LABELS = ("目标", "本周目标", "goal", "goals", "objective", "objectives")
_THEME_HEADERS = ("主题", "theme", "topic", "focus")
_DELIVERABLE_HEADERS = ("成果", "产出", "交付", "deliverable", "output", "outcome")
_WEEK_HEADERS = ("周", "week")
_FRONT_MATTER_TITLE = re.compile(r"^title:[ \t]*(?P<title>.*?)[ \t]*$", re.MULTILINE)
_PLAN_FENCES = ("markdown", "md")
_OPEN_BRACKETS = "(（[【"
_TITLE_TRIM = " \t：:、-–—|·•"

if TYPE_CHECKING:
    # Imported on the first parse: most updates never read a plan, and a bot process should
    # not carry the parser's modules from start-up (issue 14).
    from markdown_it import MarkdownIt
    from markdown_it.tree import SyntaxTreeNode


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    """The parser, made once. Only block structure is read (a heading's or item's text is
    its source, made plain by `plain_inline`), so the inline pass, a third of the parser's
    time, is skipped."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    return (
        MarkdownIt("commonmark")
        .enable("table")
        .use(front_matter_plugin)
        .disable(["inline", "text_join"])
    )


class PlanParseError(ValueError):
    """The document is not a plan this parser can read; `key` names the message to show."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class ChecklistItem:
    """One item of a week: a `- [ ]` / `- [x]` line, or a plain bullet that stands for a task."""

    index: int  # ordinal among the plan's items: what a tick is stored against
    week: int
    line: int  # 0-based line of the document
    mark_column: int  # the character between the brackets; for a plain bullet, its text
    depth: int  # 0 for a top-level item
    text: str  # as the reader sees it: no emphasis markers, no kramdown attributes
    checked: bool  # as written in the document
    details: tuple[str, ...] = ()  # the lines under it that are not items themselves
    boxed: bool = True  # written with a checkbox; a plain bullet gets `[x] ` when ticked
    detail_depths: tuple[int, ...] = ()  # how deep each detail sits under the item (0 = child)

    @property
    def days(self) -> tuple[int, int] | None:
        """The days of the week the item names (`Day 1–2`, `第 3 天`), if any."""
        return day_span(self.text)

    @property
    def date(self) -> date | None:
        """The calendar day the item is for (`- **2024-08-05 (周一)**: …`), if it names one."""
        return date_in(self.text)

    @property
    def outline(self) -> tuple[tuple[int, str], ...]:
        """The details with their nesting, as (depth, text) pairs."""
        depths = self.detail_depths or (0,) * len(self.details)
        return tuple(zip(depths, self.details, strict=True))


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
        """Every item of every week, in document order."""
        return tuple(sorted((i for w in self.weeks for i in w.items), key=lambda i: i.index))

    def week(self, number: int) -> PlanWeek | None:
        """Week `number`, if the plan has it."""
        return next((week for week in self.weeks if week.number == number), None)

    @property
    def last_week(self) -> int:
        """The number of the plan's last week."""
        return max(week.number for week in self.weeks)


# -- reading the tree ----------------------------------------------------------------------------


@dataclass
class _WeekDraft:
    number: int
    title: str = ""
    own_title: bool = False  # from a heading that names this week alone
    theme: str = ""
    goal: str = ""
    deliverable: str = ""
    entries: list[_Entry] = field(default_factory=list)


@dataclass
class _Entry:
    """A top-level list item inside a week, with what the text around it says about it."""

    node: SyntaxTreeNode
    quoted: bool  # inside a blockquote
    skipped: bool  # a goal, a resource, or a label's list: never a task


@dataclass
class _Section:
    level: int
    first: int
    last: int
    current: int  # the week items go to
    sub_week: int | None = None  # set by a deeper heading that names one week


@dataclass
class _Item:
    week: int
    line: int
    column: int
    depth: int
    text: str
    checked: bool
    boxed: bool
    details: list[tuple[int, str]]


def _inline(node: SyntaxTreeNode) -> str:
    """The source text of a heading's or paragraph's inline content."""
    return next((child.content for child in node.children if child.type == "inline"), "")


def _first_paragraph(item: SyntaxTreeNode) -> SyntaxTreeNode | None:
    first = item.children[0] if item.children else None
    return first if first is not None and first.type == "paragraph" else None


def _nested_lists(item: SyntaxTreeNode) -> list[SyntaxTreeNode]:
    return [child for child in item.children if child.type in ("bullet_list", "ordered_list")]


class _Reader:
    def __init__(self, lines: list[str], offset: int) -> None:
        self.lines = lines  # the whole document's raw lines, for columns
        self.offset = offset  # where the parsed text starts in the document
        self.weeks: dict[int, _WeekDraft] = {}
        self.section: _Section | None = None
        self.title = ""
        self.section_weeks: set[int] = set()
        self.pending_label: str | None = None  # goal | deliverable | skip, for the next list
        self.boxed_lists: dict[int, bool] = {}  # id of a list node: has it a checkbox

    # -- driving --------------------------------------------------------------------------------

    def read(self, root: SyntaxTreeNode) -> None:
        containers = _containers(root)
        for node in root.children:
            kind = node.type
            if kind == "front_matter":
                titled = _FRONT_MATTER_TITLE.search(node.content)
                if titled:
                    self.title = titled["title"].strip("'\"")
            elif kind == "heading":
                weeks = node not in containers
                self._on_heading(int(node.tag[1]), plain_inline(_inline(node)), weeks)
            elif kind == "table":
                self._on_table(node)
            elif kind == "paragraph":
                self._on_paragraph(node)
            elif kind in ("bullet_list", "ordered_list"):
                self._on_list(node, quoted=False)
            elif kind == "blockquote":
                self._on_quote(node)
            elif kind == "hr" and self._has_entries():
                # `---` after a week's items closes it: what follows (an outro, "By the end
                # of this plan…") is not that week's work.
                self.section = None
            if kind not in ("paragraph", "bullet_list", "ordered_list"):
                self.pending_label = None

    def _has_entries(self) -> bool:
        section = self.section
        if section is None:
            return False
        return any(self.weeks[n].entries for n in range(section.first, section.last + 1))

    # -- headings -------------------------------------------------------------------------------

    def _on_heading(self, level: int, text: str, weeks: bool) -> None:
        self.pending_label = None
        if level == 1 and not self.title and self.section is None:
            self.title = text
        found = week_span(text) if weeks else None
        section = self.section
        if section is not None and level > section.level:
            if found and section.first <= found[0][0] <= found[0][1] <= section.last:
                (first, last), match = found
                section.current = first
                section.sub_week = first
                title = _title_after(text, match)
                for number in range(first, last + 1):
                    draft = self.weeks[number]
                    if title and not draft.own_title:
                        draft.title, draft.own_title = title, True
            return  # a sub-heading inside the week
        self.section = None
        if found is None:
            return
        (first, last), match = found
        own = _title_after(text, match)
        for number in range(first, last + 1):
            draft = self.weeks.setdefault(number, _WeekDraft(number))
            if not draft.title:
                draft.title, draft.own_title = own or text, first == last and bool(own)
            elif own and first == last and not draft.own_title:
                # A week of an earlier phase (`## Phase 5 (Weeks 45–52)`) under its own
                # heading after a `---` closed the phase.
                draft.title, draft.own_title = own, True
        self.section = _Section(level, first, last, first)
        self.section_weeks.update(range(first, last + 1))

    # -- tables ---------------------------------------------------------------------------------

    def _on_table(self, table: SyntaxTreeNode) -> None:
        rows = [
            [plain_inline(_inline(cell)) for cell in row.children]
            for part in table.children
            for row in part.children
        ]
        if len(rows) < 2:
            return
        headers = [cell.lower() for cell in rows[0]]
        week_column = _column(headers, _WEEK_HEADERS) or 0
        theme_column = _column(headers, _THEME_HEADERS)
        deliverable_column = _column(headers, _DELIVERABLE_HEADERS)
        for cells in rows[1:]:
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

    # -- paragraphs, lists and quotes -----------------------------------------------------------

    def _on_paragraph(self, node: SyntaxTreeNode) -> None:
        self.pending_label = None
        if self.section is None:
            return
        first_line = plain_inline(_inline(node).split("\n", 1)[0])
        if not first_line:
            return
        if self._label(first_line):
            return
        if _RESOURCES.match(first_line) and first_line.rstrip().endswith((":", "：")):
            self.pending_label = "skip"
            return
        self._maybe_switch_week(first_line)

    def _label(self, text: str) -> bool:
        """Take a `目标：…` / `Deliverable: …` line for the week; False if it is not one."""
        labelled = _LABEL.match(text)
        if labelled is None:
            return False
        kind = "goal" if labelled["label"].lower() in _GOAL_LABELS else "deliverable"
        value = labelled["value"].strip()
        for number in self._label_weeks():
            draft = self.weeks[number]
            if kind == "goal" and not draft.goal:
                draft.goal = value
            elif kind == "deliverable" and not draft.deliverable:
                draft.deliverable = value
        self.pending_label = kind if not value else None
        return True

    def _label_weeks(self) -> range:
        section = self.section
        assert section is not None
        if section.sub_week is not None:
            return range(section.sub_week, section.sub_week + 1)
        return range(section.first, section.last + 1)

    def _on_list(self, node: SyntaxTreeNode, quoted: bool) -> None:
        pending, self.pending_label = self.pending_label, None
        if self.section is None:
            return
        for item in node.children:
            paragraph = _first_paragraph(item)
            text = plain_inline(_inline(paragraph).split("\n", 1)[0]) if paragraph else ""
            if pending in ("goal", "deliverable"):
                for number in self._label_weeks():
                    draft = self.weeks[number]
                    current = draft.goal if pending == "goal" else draft.deliverable
                    joined = f"{current}\n{text}" if current else text
                    if pending == "goal":
                        draft.goal = joined
                    else:
                        draft.deliverable = joined
                continue
            skipped = pending == "skip"
            if not quoted and not skipped and _TASK.match(text) is None:
                labelled = _LABEL.match(text)
                if labelled is not None:
                    saved, self.pending_label = self.pending_label, None
                    self._label(text)
                    self.pending_label = saved
                    # A goal is not a task; producing the deliverable is.
                    skipped = labelled["label"].lower() in _GOAL_LABELS
            if not skipped:
                self._maybe_switch_week(_TASK.sub("", text))
            self.weeks[self.section.current].entries.append(_Entry(item, quoted, skipped))

    def _on_quote(self, node: SyntaxTreeNode) -> None:
        for child in node.children:
            if child.type in ("bullet_list", "ordered_list"):
                self._on_list(child, quoted=True)
            elif child.type == "blockquote":
                self._on_quote(child)

    def _maybe_switch_week(self, text: str) -> None:
        section = self.section
        assert section is not None
        found = week_span(text)
        if found and section.first <= found[0][0] == found[0][1] <= section.last:
            section.current = found[0][0]

    # -- items ----------------------------------------------------------------------------------

    def items(self, draft: _WeekDraft) -> list[_Item]:
        """The week's items: its checkboxes where it has some, else its top-level bullets.

        A plain-bullet week that comes back from an export has `[x]` on some of those bullets
        and no `[ ]`: it stays a plain-bullet week, so its items stay the same ones.
        """
        marks = {
            line: mark
            for entry in draft.entries
            if not entry.skipped
            for line, mark in self._marks(entry.node)
        }
        if not marks:
            return self._plain_items(draft)
        if " " not in marks.values():
            # Boxes only where plain-bullet items are, some ticked and some not: the export
            # of a plain-bullet week (a fully ticked one reads the same either way).
            plain = self._plain_items(draft)
            boxed_plain = {item.line for item in plain if item.boxed}
            mixed = any(item.boxed for item in plain) and not all(item.boxed for item in plain)
            if set(marks) <= boxed_plain and mixed:
                return plain
        found: list[_Item] = []
        for entry in draft.entries:
            if not entry.skipped:
                found.extend(self._boxed_items(entry.node, draft.number, 0, top=True))
        return found

    def _plain_items(self, draft: _WeekDraft) -> list[_Item]:
        found: list[_Item] = []
        for entry in draft.entries:
            if entry.quoted or entry.skipped:
                continue
            node = entry.node
            group = self._group(node)
            if group is None:
                found.extend(self._item(node, draft.number, 0))
            elif not _RESOURCES.match(group):
                for nested in _nested_lists(node):
                    for child in nested.children:
                        found.extend(self._item(child, draft.number, 0))
        return found

    def _marks(self, item: SyntaxTreeNode) -> Iterator[tuple[int, str]]:
        """(line, mark) of every checkbox at or under `item`."""
        mark = self._mark(item)
        paragraph = _first_paragraph(item)
        if mark and paragraph is not None and paragraph.map is not None:
            yield paragraph.map[0] + self.offset, mark
        for nested in _nested_lists(item):
            for child in nested.children:
                yield from self._marks(child)

    def _list_has_box(self, list_node: SyntaxTreeNode) -> bool:
        known = self.boxed_lists.get(id(list_node))
        if known is None:
            known = self.boxed_lists[id(list_node)] = any(
                self._mark(child) for child in list_node.children
            )
        return known

    def _mark(self, item: SyntaxTreeNode) -> str:
        """The character in the item's checkbox, "" when it has none."""
        paragraph = _first_paragraph(item)
        task = _TASK.match(_inline(paragraph)) if paragraph else None
        return task["mark"] if task else ""

    def _boxed_items(
        self, item: SyntaxTreeNode, week: int, depth: int, top: bool
    ) -> Iterator[_Item]:
        """Checkbox items under `item` (itself included), nested ones one level deeper.

        `top`: a top-level list item, where a plain bullet beside checkboxes is an item too.
        """
        parent = item.parent
        siblings_boxed = top and parent is not None and self._list_has_box(parent)
        is_item = bool(self._mark(item)) or siblings_boxed
        made = list(self._item(item, week, depth, boxed_only=True)) if is_item else []
        yield from made
        inner = depth + 1 if made else depth
        for nested in _nested_lists(item):
            for child in nested.children:
                yield from self._boxed_items(child, week, inner, top=False)

    def _item(
        self, item: SyntaxTreeNode, week: int, depth: int, boxed_only: bool = False
    ) -> Iterator[_Item]:
        paragraph = _first_paragraph(item)
        if paragraph is None or paragraph.map is None:
            return
        content = _inline(paragraph)
        first = content.split("\n", 1)[0].rstrip()
        if not first:
            return
        line = paragraph.map[0] + self.offset
        raw = self.lines[line].removesuffix("\r").rstrip(" \t")
        column = len(raw) - len(first)
        if column < 0 or raw[column:] != first:
            return  # not where the source says: never edit a line we cannot place
        task = _TASK.match(first)
        text = plain_inline(first[task.end() :] if task else first)
        details = list(self._details(paragraph, content, item, depth=0, boxed_only=boxed_only))
        yield _Item(
            week=week,
            line=line,
            column=column + 1 if task else column,
            depth=depth,
            text=text,
            checked=task is not None and task["mark"] in "xX",
            boxed=task is not None,
            details=details[:MAX_DETAIL_LINES],
        )

    def _details(
        self,
        paragraph: SyntaxTreeNode | None,
        content: str,
        item: SyntaxTreeNode,
        depth: int,
        boxed_only: bool,
    ) -> Iterator[tuple[int, str]]:
        """The text under an item, as (depth, line): its other lines, then its sub-bullets."""
        for extra in content.split("\n")[1:]:
            text = plain_inline(extra)
            if text:
                yield depth, text
        for child in item.children:
            if child is paragraph:
                continue
            if child.type == "paragraph":
                for extra in _inline(child).split("\n"):
                    if text := plain_inline(extra):
                        yield depth, text
            elif child.type in ("bullet_list", "ordered_list"):
                for nested in child.children:
                    if boxed_only and self._mark(nested):
                        continue  # an item of its own
                    inner = _first_paragraph(nested)
                    inner_content = _inline(inner) if inner else ""
                    head = plain_inline(inner_content.split("\n", 1)[0])
                    if head:
                        yield depth, head
                    yield from self._details(inner, inner_content, nested, depth + 1, boxed_only)

    @staticmethod
    def _group(item: SyntaxTreeNode) -> str | None:
        """The label of a `- **学习重点**：` bullet that stands for its sub-bullets, else None."""
        paragraph = _first_paragraph(item)
        if paragraph is None or not _nested_lists(item):
            return None
        content = _inline(paragraph)
        text = plain_inline(content)
        if "\n" in content.strip() or not text.endswith((":", "：")):
            return None
        label = text[:-1].strip()
        if len(label) > MAX_GROUP_LABEL or day_span(label) or date_in(label):
            return None
        return label

    # -- result ---------------------------------------------------------------------------------

    def plan(self, document: str) -> StudyPlan | None:
        # Table rows alone (a timeline without a section) do not make a week.
        drafts = sorted(
            (draft for draft in self.weeks.values() if draft.number in self.section_weeks),
            key=lambda d: d.number,
        )
        if not drafts:
            return None
        found = [(draft, self.items(draft)) for draft in drafts]
        order = sorted((item.line, item.column) for _, items in found for item in items)
        index = {place: number for number, place in enumerate(order)}
        weeks = tuple(
            PlanWeek(
                number=draft.number,
                title=draft.title,
                theme=draft.theme or draft.title,
                goal=draft.goal,
                deliverable=draft.deliverable,
                items=tuple(
                    ChecklistItem(
                        index=index[item.line, item.column],
                        week=item.week,
                        line=item.line,
                        mark_column=item.column,
                        depth=item.depth,
                        text=item.text,
                        checked=item.checked,
                        details=tuple(text for _, text in item.details),
                        boxed=item.boxed,
                        detail_depths=tuple(depth for depth, _ in item.details),
                    )
                    for item in items
                ),
            )
            for draft, items in found
        )
        return StudyPlan(document, self.title, weeks)


def _containers(root: SyntaxTreeNode) -> set[SyntaxTreeNode]:
    """Headings that name weeks but hold headings of other weeks: a title, not a week.

    `# 12 周计划（含 Week 0 启动）` above `## 第 1 周` is the plan's title; `## Phase 1 (Weeks
    1–8)` above `### Week 1` is a phase whose weeks are its own.
    """
    headings = [
        (node, int(node.tag[1]), week_span(plain_inline(_inline(node))))
        for node in root.children
        if node.type == "heading"
    ]
    containers: set[SyntaxTreeNode] = set()
    for position, (node, level, found) in enumerate(headings):
        if found is None:
            continue
        (first, last), _ = found
        for _, inner_level, inner in headings[position + 1 :]:
            if inner_level <= level:
                break
            if inner is not None and not first <= inner[0][0] <= inner[0][1] <= last:
                containers.add(node)
                break
    return containers


def _title_after(text: str, match: re.Match[str]) -> str:
    """The heading's own title around its week reference.

    `Week 3: CLIP` → "CLIP"; `2. 第 1 周：基础` → "基础"; `Phase 1: Foundations (Weeks 1–8)`
    → "Phase 1: Foundations" (a reference in brackets leaves the text before it).
    """
    before = text[: match.start()]
    after = text[match.end() :]
    bracket = before.rstrip()[-1:]
    if bracket and bracket in _OPEN_BRACKETS:
        before = before.rstrip()[:-1]
        after = re.sub(r"^\s*[)）\]】]", "", after)
        joined = (before.rstrip() + " " + after.strip()).strip(_TITLE_TRIM)
        return re.sub(r"^\d+(\.\d+)*\.?\s*", "", joined).strip(_TITLE_TRIM)
    own = after.strip(_TITLE_TRIM)
    if own:
        return own
    return re.sub(r"^\d+(\.\d+)*\.?\s*", "", before).strip(_TITLE_TRIM)


def _column(headers: list[str], names: tuple[str, ...]) -> int | None:
    for position, header in enumerate(headers):
        if any(name in header for name in names):
            return position
    return None


def _source(document: str) -> str:
    """The document as the Markdown parser gets it, line for line the same.

    markdown-it treats a lone carriage return as a line break; a blank keeps the lines of the
    document and of its tokens' maps in step. A byte-order mark would hide a first heading.
    """
    lines = [line.removesuffix("\r").replace("\r", " ") for line in document.split("\n")]
    return "\n".join(lines).removeprefix("\ufeff")


def _read(document: str, lines: list[str], source: str, offset: int) -> StudyPlan | None:
    reader = _Reader(lines, offset)
    from markdown_it.tree import SyntaxTreeNode

    reader.read(SyntaxTreeNode(_markdown().parse(source)))
    return reader.plan(document)


@lru_cache(maxsize=32)
def parse_plan(document: str) -> StudyPlan:
    """Parse a Markdown plan; raises PlanParseError when no week can be found.

    Plans are read on every `/plan`; the result is immutable, so recent ones are kept.
    """
    lines = document.split("\n")
    source = _source(document)
    plan = _read(document, lines, source, 0)
    if plan is not None:
        return plan
    tokens = _markdown().parse(source)
    # A chat answer: the plan inside a ```markdown fence, with talk around it.
    for token in tokens:
        info = token.info.strip().split(" ", 1)[0].lower()
        if token.type == "fence" and token.level == 0 and info in _PLAN_FENCES and token.map:
            plan = _read(document, lines, token.content, token.map[0] + 1)
            if plan is not None:
                return plan
    # Say what the document has instead, so the learner sees why no week was found.
    headings = sum(1 for token in tokens if token.type == "heading_open")
    items = sum(1 for token in tokens if token.type == "list_item_open")
    raise PlanParseError("plan.no_weeks", headings=headings, items=items)
