"""`python -m coach.plan`: import a plan file for a learner and export it back, as a process."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLAN = """# CLI plan

## 第 1 周：基础

- [x] 已完成的任务
- [ ] 还没做的任务
  - [ ] 子任务
"""


async def _run(*args: str, database_url: str) -> tuple[int, str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("COACH_")}
    env["DATABASE_URL"] = database_url
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "coach.plan",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_import_then_export_gives_the_same_bytes(database_url: str, tmp_path: Path) -> None:
    source = tmp_path / "plan.md"
    source.write_bytes(PLAN.encode())
    code, out, err = await _run("import", str(source), "--user", "77", database_url=database_url)
    assert code == 0, err
    assert "CLI plan: 1 weeks, 3 items" in out and "1. [x] 已完成的任务" in out
    target = tmp_path / "back.md"
    code, _, err = await _run(
        "export", "--user", "77", "-o", str(target), database_url=database_url
    )
    assert code == 0, err
    assert target.read_bytes() == PLAN.encode()
    assert "1/3 items ticked" in err


async def test_a_file_without_weeks_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    source = tmp_path / "notes.md"
    source.write_text("# just notes\n", encoding="utf-8")
    code, _, err = await _run("show", str(source), database_url="sqlite:///unused.db")
    assert code == 2 and "not a plan: plan.no_weeks" in err
    assert "it has 1 heading and 0 list items, but no heading names a week" in err


async def test_show_prints_the_weeks_titles_item_counts_and_dates_it_understood() -> None:
    fixture = ROOT / "tests" / "fixtures" / "plans" / "zh-dated-days.md"
    code, out, err = await _run("show", str(fixture), database_url="sqlite:///unused.db")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == (
        "暑期冲刺计划: 2 weeks, 5 items (5 plain bullets), dated 2024-08-05 – 2024-08-13"
    )
    assert "Week 1: 第一周 [3 items]" in lines and "Week 2: 第二周 [2 items]" in lines
    assert "  2. [-] 2024-08-06 (周二): 概率论基础 @2024-08-06 (+2 details)" in lines
