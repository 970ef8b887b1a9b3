"""Plan import and export from the command line.

    python -m coach.plan show FILE                      # how the importer reads a plan
    python -m coach.plan import FILE --user ID          # the learner's plan becomes FILE
    python -m coach.plan export --user ID [-o FILE]     # the plan with the learner's ticks

The database is the bot's (DATABASE_URL, from the environment or .env); it is migrated first.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from coach.clock import ScaledClock
from coach.learners.profile import Identity
from coach.learners.registry import LearnerDefaults, Learners
from coach.messages import t
from coach.plan.parser import PlanParseError, StudyPlan
from coach.plan.planner import Planner, read_plan
from coach.settings import Settings
from db.database import Database
from db.migrate import upgrade_to_head


def describe(plan: StudyPlan) -> str:
    """A plain-text outline of a parsed plan: weeks, titles, item counts, items and dates."""
    plain = sum(1 for item in plan.items if not item.boxed)
    dated = [item.date for item in plan.items if item.date is not None]
    lines = [
        f"{plan.title or '(untitled)'}: {len(plan.weeks)} weeks, {len(plan.items)} items"
        + (f" ({plain} plain bullets)" if plain else "")
        + (f", dated {min(dated)} – {max(dated)}" if dated else "")
    ]
    for week in plan.weeks:
        note = " (preparation week, before week 1)" if week.number == 0 else ""
        lines.append(f"Week {week.number}: {week.title} [{len(week.items)} items]{note}")
        if week.theme != week.title:
            lines.append(f"  theme: {week.theme}")
        if week.goal:
            lines.append(f"  goal: {week.goal.replace(chr(10), ' / ')}")
        if week.deliverable:
            lines.append(f"  deliverable: {week.deliverable}")
        for number, item in enumerate(week.items, 1):
            mark = ("x" if item.checked else " ") if item.boxed else "-"
            when = f" @{item.date}" if item.date else ""
            details = f" (+{len(item.details)} details)" if item.details else ""
            lines.append(f"  {'  ' * item.depth}{number}. [{mark}] {item.text}{when}{details}")
    return "\n".join(lines)


async def _with_planner(
    settings: Settings, user_id: int, action: str, path: Path | None, data: bytes = b""
) -> int:
    await asyncio.to_thread(upgrade_to_head, settings.database_url)
    clock = ScaledClock()
    planner = Planner(Learners(LearnerDefaults(settings.language, settings.timezone), clock), clock)
    database = Database(settings.database_url)
    who = Identity(user_id=user_id, chat_id=user_id)
    try:
        async with database.session() as session:
            if action == "import":
                assert path is not None
                imported = await planner.import_document(session, who, path.name, data)
                await session.commit()
                print(describe(imported.state.plan))
                print(f"imported for user {user_id}; week 1 starts {imported.state.start_date}")
                return 0
            exported = await planner.export(session, who)
            await session.commit()
    finally:
        await database.dispose()
    if path is None:
        sys.stdout.buffer.write(exported.content)
    else:
        await asyncio.to_thread(path.write_bytes, exported.content)
        print(f"wrote {path} ({exported.done}/{exported.total} items ticked)", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m coach.plan", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    show = commands.add_parser("show", help="print how a plan file is read")
    show.add_argument("file", type=Path)
    importing = commands.add_parser("import", help="make FILE the learner's plan")
    importing.add_argument("file", type=Path)
    importing.add_argument("--user", type=int, required=True, help="the learner's Telegram id")
    exporting = commands.add_parser("export", help="write the learner's plan with their ticks")
    exporting.add_argument("--user", type=int, required=True, help="the learner's Telegram id")
    exporting.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    args = parser.parse_args(argv)
    try:
        if args.command == "show":
            print(describe(read_plan(args.file.read_bytes())))
            return 0
        settings = Settings()
        if args.command == "import":
            data = args.file.read_bytes()
            return asyncio.run(_with_planner(settings, args.user, "import", args.file, data))
        return asyncio.run(_with_planner(settings, args.user, "export", args.output))
    except PlanParseError as error:
        print(f"not a plan: {error.key} {error.values or ''}".rstrip(), file=sys.stderr)
        print(t("en", error.key, **error.values), file=sys.stderr)
        return 2
    except OSError as error:
        print(f"cannot read or write the file: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
