"""Messages of the study plan: /plan, /today, /check, import and export."""

from __future__ import annotations

from typing import Final

ZH: Final[dict[str, str]] = {
    "plan.week_header": "📘 第 {week} 周（共 {weeks} 周）：{title}\n🗓 {start} – {end}",
    "plan.theme": "主题：{theme}",
    "plan.goal": "🎯 目标：{goal}",
    "plan.deliverable": "📦 可见成果：{deliverable}",
    "plan.progress": "✅ 清单 {done}/{total}：",
    "plan.no_items": "这一周没有清单项。",
    "today.item_dated": "👉 今天（{date}）的安排，第 {number} 项：{item}",
    "plan.status_before": "⏳ 计划在 {date} 开始，还有 {days} 天——可以先预习。",
    "plan.status_current": "📍 今天是本周第 {day} 天。",
    "plan.status_past": "（这一周已经过去了，没勾的项随时可以补。）",
    "plan.status_future": "（这一周还没开始。）",
    "plan.status_after": "🎉 计划的 {weeks} 周已经在 {date} 结束。没勾的项随时可以补。",
    "plan.week_complete": "🎉 这一周的清单全部完成！",
    "plan.footer": "点按钮打勾或取消；/check N 勾第 N 项；/plan N 看第 N 周；/today 看今天做什么。",
    "plan.source_default": "（这是默认计划。想用你自己的计划，直接把 .md 文件发给我。）",
    "plan.source_imported": "（计划来自你导入的 {file}；/plan export 导出带勾选的 Markdown。）",
    "plan.no_such_week": "计划里没有第 {week} 周，现有的是第 {weeks} 周。",
    "plan.usage": (
        "用法：\n"
        "/plan — 本周的主题、目标和清单\n"
        "/plan N — 看第 N 周\n"
        "/plan start YYYY-MM-DD — 设置第 1 周的开始日期\n"
        "/plan export — 导出带勾选的 Markdown\n"
        "把你的 .md 计划文件发给我，就能导入它。"
    ),
    "plan.bad_date": "“{value}” 不是有效日期，请用 YYYY-MM-DD 格式，例如 /plan start 2026-03-02。",
    "plan.start_set": "好的，第 1 周从 {date} 开始，今天是第 {week} 周。/plan 看本周。",
    "plan.start_set_future": "好的，第 1 周从 {date} 开始，还有 {days} 天。/plan 先看看第 1 周。",
    "plan.start_set_after": "好的，第 1 周从 {date} 开始——按这个日期，{weeks} 周的计划已经结束了。",
    "plan.imported": "📥 已导入你的计划「{title}」：{weeks} 周、{items} 个清单项（其中 {ticked} 项已勾选）。\n第 1 周从 {start} 开始（/plan start YYYY-MM-DD 可以修改）。/plan 看本周。",
    "plan.imported_weeks": "导入的周：\n{weeks}",
    "plan.no_weeks": "我没在这个文档里找到任何一周：里面有 {headings} 个标题、{items} 个列表项，但没有一个标题写着第几周。每周用一个标题开头，例如 “## 第 1 周：CNN” 或 “## Week 1: CNN”，下面用 “- [ ] 任务” 或 “- 任务” 列出要做的事。你现在的计划没有变。",
    "plan.too_large": "这个文件太大了（最多 {limit} KB）。",
    "plan.too_large_found": "这个文件有 {size} KB，计划最多 {limit} KB。请只发学习计划本身的 .md 文件。你现在的计划没有变。",
    "plan.not_utf8": "这个文件不是 UTF-8 编码的文本（从第 {position} 个字节起就读不通）。请用 UTF-8 保存后再发一次。你现在的计划没有变。",
    "plan.not_utf8_guess": "这个文件不是 UTF-8 编码的文本，看起来是 {encoding} 编码；我需要 UTF-8 的 .md 文件。请用 UTF-8 另存后再发一次。你现在的计划没有变。",
    "plan.binary": "我需要一个 .md 文本文件，这个文件却是二进制内容（不是文字）。请把学习计划存成 .md 再发给我。你现在的计划没有变。",
    "plan.binary_kind": "我需要一个 .md 文本文件，这个文件其实是 {kind} 文件。请把学习计划存成 .md 再发给我。你现在的计划没有变。",
    "plan.too_many_weeks": "这个计划有 {found} 周，我最多能跟进 {limit} 周。请拆成几段，先导入眼下这一段。你现在的计划没有变。",
    "plan.too_many_items": "这个计划有 {found} 个任务，我最多能跟进 {limit} 个。请拆成几段，先导入眼下这一段。你现在的计划没有变。",
    "plan.ticks_carried": "之前勾选的 {kept} 项内容没变，勾选已保留；{reset} 项找不到原样的条目，勾选已清除。",
    "plan.preparation_week": "第 0 周是准备周：排在第 1 周之前（开始日期前的那一周）。",
    "plan.not_markdown": "我只能导入 .md（Markdown）文件。把你的学习计划存成 .md 再发给我吧。",
    "plan.download_failed": "这个文件没能下载下来，请再发一次。",
    "plan.export_caption": "你的计划：{done}/{total} 项已完成。除了勾选，其余内容和原文一字不差。",
    "plan.checked": "✅ 已勾选第 {number} 项：{item}（本周 {done}/{total}）",
    "plan.unchecked": "↩️ 已取消勾选：{item}（本周 {done}/{total}）",
    "plan.already_checked": "第 {number} 项已经勾过了：{item}。想取消就点 /plan 里的按钮。",
    "plan.check_usage": "用法：/check N，N 是本周清单的序号（1–{total}）。/plan 查看清单。",
    "plan.no_such_item": "本周清单没有第 “{value}” 项，请用 1 到 {total} 的序号。",
    "plan.stale": "这个按钮属于你之前的计划，已经失效。下面是现在的计划：",
    "today.header_current": "📅 第 {week} 周 · 第 {day} 天：{title}",
    "today.header_before": "📅 计划 {date} 才开始，可以先看第 {week} 周：{title}",
    "today.header_after": "📅 计划已经结束，回顾最后一周：{title}",
    "today.item": "👉 今天建议做第 {number} 项：{item}",
    "today.check_hint": "做完了就 /check {number} 打勾。",
    "today.all_done": "这一周的清单都完成了 🎉 用 /quiz 复习，或者 /plan {next} 预习下一周。",
    "today.all_done_last": "清单全部完成 🎉 用 /quiz 复习巩固吧。",
    "today.due": "🧠 有 {count} 张卡到期复习：/quiz",
}

EN: Final[dict[str, str]] = {
    "plan.week_header": "📘 Week {week} of {weeks}: {title}\n🗓 {start} – {end}",
    "plan.theme": "Theme: {theme}",
    "plan.goal": "🎯 Goal: {goal}",
    "plan.deliverable": "📦 Deliverable: {deliverable}",
    "plan.progress": "✅ Checklist {done}/{total}:",
    "plan.no_items": "This week has no checklist items.",
    "today.item_dated": "👉 Today's ({date}) item, number {number}: {item}",
    "plan.status_before": "⏳ The plan starts on {date}, in {days:one=# day|other=# days} — feel free to look ahead.",
    "plan.status_current": "📍 Today is day {day} of this week.",
    "plan.status_past": "(This week is over; you can still tick what is left.)",
    "plan.status_future": "(This week has not started yet.)",
    "plan.status_after": "🎉 The plan's {weeks:one=# week|other=# weeks} ended on {date}. You can still tick what is left.",
    "plan.week_complete": "🎉 This week's checklist is complete!",
    "plan.footer": "Press a button to tick or untick; /check N ticks item N; /plan N shows week N; /today says what to do today.",
    "plan.source_default": "(This is the default plan. To use your own, just send me your .md file.)",
    "plan.source_imported": "(From the plan you imported, {file}; /plan export gives it back with your ticks.)",
    "plan.no_such_week": "The plan has no week {week}; it has weeks {weeks}.",
    "plan.usage": (
        "Usage:\n"
        "/plan — this week's theme, goal and checklist\n"
        "/plan N — week N\n"
        "/plan start YYYY-MM-DD — the day week 1 starts\n"
        "/plan export — the Markdown with your ticks\n"
        "Send me your .md plan file to import it."
    ),
    "plan.bad_date": "“{value}” is not a valid date; use YYYY-MM-DD, e.g. /plan start 2026-03-02.",
    "plan.start_set": "Done: week 1 starts on {date}, so this is week {week}. /plan shows it.",
    "plan.start_set_future": "Done: week 1 starts on {date}, in {days:one=# day|other=# days}. /plan shows week 1 already.",
    "plan.start_set_after": "Done: week 1 starts on {date} — by that date the {weeks}-week plan is already over.",
    "plan.imported": "📥 Imported your plan “{title}”: {weeks:one=# week|other=# weeks}, {items:one=# checklist item|other=# checklist items} ({ticked} already ticked).\nWeek 1 starts on {start} (change it with /plan start YYYY-MM-DD). /plan shows this week.",
    "plan.imported_weeks": "Imported weeks:\n{weeks}",
    "plan.no_weeks": "I found no week in this document: it has {headings:one=# heading|other=# headings} and {items:one=# list item|other=# list items}, but no heading names a week. Start each week with a heading such as “## Week 1: CNN” or “## 第 1 周：CNN”, with what to do below as “- [ ] task” or “- task”. Your current plan is unchanged.",
    "plan.too_large": "This file is too large (at most {limit} KB).",
    "plan.too_large_found": "This file is {size} KB; a plan can be at most {limit} KB. Please send just the .md file of your study plan. Your current plan is unchanged.",
    "plan.not_utf8": "This file is not UTF-8 text (it stops making sense as UTF-8 at byte {position}). Please save it as UTF-8 and send it again. Your current plan is unchanged.",
    "plan.not_utf8_guess": "This file is not UTF-8 text; it looks like {encoding}, and I need a .md file in UTF-8. Please save it as UTF-8 and send it again. Your current plan is unchanged.",
    "plan.binary": "I need a .md text file; this file is binary, not text. Please save your study plan as .md and send it again. Your current plan is unchanged.",
    "plan.binary_kind": "I need a .md text file; this one is really a {kind} file. Please save your study plan as .md and send it again. Your current plan is unchanged.",
    "plan.too_many_weeks": "This plan has {found:one=# week|other=# weeks}; I can follow at most {limit}. Please split it and import the part you are on now. Your current plan is unchanged.",
    "plan.too_many_items": "This plan has {found:one=# task|other=# tasks}; I can follow at most {limit}. Please split it and import the part you are on now. Your current plan is unchanged.",
    "plan.ticks_carried": "{kept:one=# ticked item is|other=# ticked items are} unchanged and {kept:one=keeps its tick|other=keep their ticks}; {reset:one=# tick was|other=# ticks were} cleared because {reset:one=its item is|other=their items are} gone or reworded.",
    "plan.preparation_week": "Week 0 is a preparation week: it comes before week 1 (the week before your start date).",
    "plan.not_markdown": "I can only import .md (Markdown) files. Save your study plan as .md and send it again.",
    "plan.download_failed": "I could not download that file; please send it again.",
    "plan.export_caption": "Your plan: {done}/{total} items done. Apart from the ticks, it is exactly your original text.",
    "plan.checked": "✅ Ticked item {number}: {item} ({done}/{total} this week)",
    "plan.unchecked": "↩️ Unticked: {item} ({done}/{total} this week)",
    "plan.already_checked": "Item {number} is already ticked: {item}. To untick it, use its button under /plan.",
    "plan.check_usage": "Usage: /check N, where N is the item's number on this week's checklist (1–{total}). /plan shows it.",
    "plan.no_such_item": "This week's checklist has no item “{value}”; use a number from 1 to {total}.",
    "plan.stale": "That button belongs to a plan you have since replaced. Here is the current one:",
    "today.header_current": "📅 Week {week} · day {day}: {title}",
    "today.header_before": "📅 The plan starts on {date}; here is week {week}: {title}",
    "today.header_after": "📅 The plan is over; a look back at the last week: {title}",
    "today.item": "👉 Today's suggestion, item {number}: {item}",
    "today.check_hint": "When it is done, /check {number} ticks it.",
    "today.all_done": "This week's checklist is all done 🎉 Review with /quiz, or look ahead with /plan {next}.",
    "today.all_done_last": "Everything is ticked 🎉 Review with /quiz to make it stick.",
    "today.due": "🧠 {count:one=# card is|other=# cards are} due for review: /quiz",
}
