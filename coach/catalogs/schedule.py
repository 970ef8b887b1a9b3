"""Strings of scheduled coaching: /settings, the morning nudge, the evening recap, /week."""

from __future__ import annotations

from typing import Final

ZH: Final[dict[str, str]] = {
    # /settings
    "schedule.overview": (
        "⏰ 你的提醒（时区 {timezone}）：\n"
        "🌅 每日提醒：{nudge}\n"
        "🌙 晚间回顾：{recap}\n"
        "📊 每周总结：{weekly}"
    ),
    "schedule.entry": "{rule}（下一次：{next}）",
    "schedule.entry_off": "已关闭",
    "schedule.entry_stopped": "{rule}（暂停中）",
    "schedule.paused": "⏸ 暂停中：{first} 到 {last}。这些天不发提醒，也不会打断连续天数。",
    "schedule.usage": (
        "修改方法（也可以点下面的按钮）：\n"
        "/settings nudge 08:30 — 每日提醒时间\n"
        "/settings recap 21:30 — 晚间回顾时间\n"
        "/settings weekly sun 20:00 — 每周总结（星期写 mon..sun 或 周一..周日；只写 20:00 就保留原来的星期）\n"
        "/settings nudge off — 关闭某一项（recap、weekly 同理）\n"
        "/settings tz Asia/Shanghai — 时区\n"
        "/settings pause 7 — 暂停 7 天（度假）；/settings resume — 恢复\n"
        "/settings standard 40 — 每日最低标准：一个至少 40 分钟的完整块（1–180）"
    ),
    "schedule.standard": "🎯 每日最低标准：完成一个至少 {minutes} 分钟的专注块（算达标、连续天数和奖励）",
    "schedule.standard_set": "🎯 好的：从现在起，一个至少 {minutes} 分钟的完整块算今天达标，也能拿奖励。更短的块照样记分钟数。",
    "schedule.standard_usage": "用法：/settings standard 分钟数（{min}–{max}），例如 /settings standard 40：一个至少 40 分钟的完整块算今天达标。",
    "schedule.bad_standard": "“{value}” 不是 {min}–{max} 之间的分钟数，最低标准没有改。例如：/settings standard 40",
    "schedule.unknown_setting": "我不认识 “{value}” 这个设置。\n\n{usage}",
    "schedule.bad_time": "“{value}” 不是有效的时间，请用 24 小时制的 HH:MM，例如 /settings {kind} 08:30。",
    "schedule.bad_weekly": "“{value}” 不对。用法：/settings weekly 星期 HH:MM，例如 /settings weekly sun 20:00（星期可以写 mon..sun 或 周一..周日）；只写 HH:MM 就保留原来的星期。",
    "schedule.bad_pause": "暂停天数要在 1 到 {max} 之间，例如 /settings pause 7。",
    "schedule.tz_usage": "用法：/settings tz 区域/城市，例如 /settings tz Asia/Shanghai",
    "schedule.kind_nudge": "每日提醒",
    "schedule.kind_recap": "晚间回顾",
    "schedule.kind_weekly": "每周总结",
    "schedule.time_set": "✅ {what}改到 {rule}。下一次：{next}。",
    "schedule.switched_off": "✅ 已关闭{what}。想恢复时发 /settings {kind} HH:MM。",
    "schedule.tz_set": "✅ 时区改为 {timezone}，当地现在 {local_time}。所有提醒都按新时区计算。",
    "schedule.pause_set": "⏸ 好好休息！从今天到 {last}（{days} 天）不发任何提醒，连续天数也不会断。随时发 /settings resume 恢复。",
    "schedule.resumed": "▶️ 欢迎回来，提醒已恢复。下一次每日提醒：{next}。",
    "schedule.not_paused": "现在没有暂停，提醒照常。",
    "schedule.never": "—",
    "schedule.button_nudge": "🌅 提醒 {time}",
    "schedule.button_recap": "🌙 回顾 {time}",
    "schedule.button_weekly": "📊 周报 {time}",
    "schedule.button_pause": "⏸ 暂停 {days} 天",
    "schedule.button_resume": "▶️ 恢复提醒",
    "schedule.button_off": "关闭",
    "schedule.button_back": "← 返回",
    "schedule.pick_time": "选一个{what}的时间（任意时间可以发 /settings {kind} HH:MM）：",
    "schedule.updated": "已更新",
    "schedule.weekday_0": "周一",
    "schedule.weekday_1": "周二",
    "schedule.weekday_2": "周三",
    "schedule.weekday_3": "周四",
    "schedule.weekday_4": "周五",
    "schedule.weekday_5": "周六",
    "schedule.weekday_6": "周日",
    # The morning nudge
    "schedule.nudge": "🌅 早上好，{name}！今天的最低标准（Minimum Viable Day）：完成 1 个专注块。",
    "schedule.nudge_suggestion": "今天的建议：{suggestion}",
    "schedule.nudge_framing": "不想学的时候，只要求自己：先撑过一个块。点下面的按钮就开始 45 分钟。",
    "schedule.nudge_done": "🎉 {name}，今天已经完成 {blocks} 个专注块（{minutes} 分钟），最低标准达成！想继续就再开一个，不想也完全可以休息。",
    "schedule.nudge_short": "🌅 {name}，今天已经做了 {blocks} 个块（{minutes} 分钟），不过还没有一个满 {standard} 分钟——再完成一个完整的块就达标了。",
    "schedule.plan_week": "第 {week} 周 · {theme}",
    "schedule.plan_item": "第 {week} 周「{title}」· 第 {position} 项：{item}（完成后 /check {position}）",
    "schedule.nudge_reviews": "还有 {count} 张复习卡到期：/quiz 花几分钟过一遍。",
    "schedule.button_start_block": "▶️ 开始 45 分钟专注块",
    "schedule.late": "⏰ 这条消息晚了 {minutes} 分钟：本该在 {time} 发出，那时我不在线。",
    # The evening recap
    "schedule.recap_title": "🌙 今天的回顾（{date}）",
    "schedule.recap_totals": "完成 {blocks} 个专注块，共 {minutes} 分钟：",
    "schedule.recap_block": "• {time} {topic}（{minutes} 分钟）",
    "schedule.recap_block_recap": "  小结：{recap}",
    "schedule.recap_notes": "今日记录：",
    "schedule.recap_rewards": "🎁 奖励：{rewards}",
    "schedule.recap_streak": "🔥 连续达标：{days} 天",
    "schedule.recap_well_done": "今天的最低标准达成了，做得好。早点休息！",
    "schedule.recap_short": "今天的块都不满 {standard} 分钟，所以最低标准还差一点——分钟照样算数。明天一个完整的块就好。",
    "schedule.recap_nothing": "今天还没有完成专注块——没关系，这不是失败。",
    "schedule.recap_notes_count": "不过你写了 {count} 条记录，有产出就算赢。",
    "schedule.recap_smallest_step": "如果还有一点力气，只做一件最小的事：用 /note 写三句话到今日记录（比如今天看到的一段论文或视频）。或者现在就开一个块。",
    "schedule.recap_streak_open": "连续达标 {days} 天，今天做一个块就能接上。",
    # The weekly summary
    "schedule.weekly_title": "📊 Week {week} 小结（{first} – {last}）",
    "schedule.weekly_totals": "专注 {blocks} 个块，共 {minutes} 分钟；活跃 {active}/7 天，达标 {met} 天",
    "schedule.weekly_so_far": "（截至 {date}，这一周还剩 {days} 天）",
    "schedule.weekly_last_day": "（截至 {date}，今天是这一周的最后一天）",
    "schedule.weekly_streak": "🔥 连续达标：{days} 天",
    "schedule.weekly_longest": "⏱ 最长的一块：{topic}（{minutes} 分钟，{date}）",
    "schedule.weekly_rewards": "🎁 奖励 {count} 次：{rewards}",
    "schedule.weekly_no_rewards": "🎁 这周还没有领奖励",
    "schedule.weekly_empty": "那一周没有完成的专注块。没关系：从今天的一个块重新开始就好。",
    "schedule.weekly_empty_so_far": "这一周到现在还没有完成的专注块。今天做一个块，就是一个好的开始。",
    "schedule.weekly_plan": "✅ 计划清单：{done}/{total} 项",
    "schedule.weekly_quiz": "🧠 小测验正确率：{percent}%（{correct}/{answered}）",
    "schedule.weekly_demo": "🖼 Demo 记录：{entries}",
    "schedule.weekly_draft": "📝 Week {week} 小结的 Markdown 草稿，已按学习计划的格式整理好，可以贴到计划文末再改。",
    "schedule.draft_done_summary": "{blocks} 个专注块，共 {minutes} 分钟（{topics}）。",
    "schedule.draft_done_none": "这周还没有完成的专注块。",
    "schedule.draft_placeholder": "（待补充）",
    "schedule.draft_note": "今日记录",
    "schedule.draft_plan": "计划清单完成 {done}/{total} 项",
    "schedule.draft_quiz": "小测验正确率 {percent}%（{correct}/{answered}）",
    "schedule.draft_demo": "Demo：{entry}",
    # /week
    "schedule.week_usage": "用法：/week（本周）、/week last（上周）、/week 2（计划第 2 周）或 /week 2026-03-02（那天所在的一周）。",
    "schedule.week_future": "第 {week} 周还没开始，现在是第 {current} 周。",
    "schedule.week_before_start": "那一周在你开始之前，你的第 1 周从 {first} 开始。",
}

EN: Final[dict[str, str]] = {
    # /settings
    "schedule.overview": (
        "⏰ Your reminders (timezone {timezone}):\n"
        "🌅 Morning nudge: {nudge}\n"
        "🌙 Evening recap: {recap}\n"
        "📊 Weekly summary: {weekly}"
    ),
    "schedule.entry": "{rule} (next: {next})",
    "schedule.entry_off": "off",
    "schedule.entry_stopped": "{rule} (paused)",
    "schedule.paused": "⏸ Paused from {first} to {last}: no reminders on those days, and they don't break your streak.",
    "schedule.usage": (
        "To change them (or use the buttons below):\n"
        "/settings nudge 08:30 — the morning nudge\n"
        "/settings recap 21:30 — the evening recap\n"
        "/settings weekly sun 20:00 — the weekly summary (days mon..sun; 20:00 alone keeps the day)\n"
        "/settings nudge off — switch one off (recap and weekly alike)\n"
        "/settings tz Asia/Shanghai — your timezone\n"
        "/settings pause 7 — pause for 7 days (vacation); /settings resume — resume\n"
        "/settings standard 40 — your daily minimum: one full block of at least 40 minutes (1–180)"
    ),
    "schedule.standard": "🎯 Daily minimum: one focus block of at least {minutes:one=# minute|other=# minutes} (for the streak, “met” and rewards)",
    "schedule.standard_set": "🎯 Done: from now on one full block of at least {minutes:one=# minute|other=# minutes} meets the day's minimum and earns a reward. Shorter blocks still count as minutes.",
    "schedule.standard_usage": "Usage: /settings standard MINUTES ({min}–{max}), e.g. /settings standard 40: one full block of at least 40 minutes meets the day's minimum.",
    "schedule.bad_standard": "“{value}” is not a number of minutes from {min} to {max}, so your daily minimum is unchanged. For example: /settings standard 40",
    "schedule.unknown_setting": "I don't know the setting “{value}”.\n\n{usage}",
    "schedule.bad_time": "“{value}” is not a valid time; use 24-hour HH:MM, e.g. /settings {kind} 08:30.",
    "schedule.bad_weekly": "“{value}” doesn't work. Usage: /settings weekly DAY HH:MM, e.g. /settings weekly sun 20:00 (days mon..sun); HH:MM alone keeps the day.",
    "schedule.bad_pause": "A pause lasts 1 to {max:one=# day|other=# days}, e.g. /settings pause 7.",
    "schedule.tz_usage": "Usage: /settings tz Area/City, e.g. /settings tz Asia/Shanghai",
    "schedule.kind_nudge": "morning nudge",
    "schedule.kind_recap": "evening recap",
    "schedule.kind_weekly": "weekly summary",
    "schedule.time_set": "✅ The {what} is now at {rule}. Next: {next}.",
    "schedule.switched_off": "✅ The {what} is off. To switch it back on, send /settings {kind} HH:MM.",
    "schedule.tz_set": "✅ Timezone set to {timezone}; it is {local_time} there now. Every reminder follows the new timezone.",
    "schedule.pause_set": "⏸ Enjoy the break! No reminders from today until {last} ({days:one=# day|other=# days}), and your streak won't break. Send /settings resume any time.",
    "schedule.resumed": "▶️ Welcome back — reminders are on again. Next morning nudge: {next}.",
    "schedule.not_paused": "Nothing is paused; reminders run as usual.",
    "schedule.never": "—",
    "schedule.button_nudge": "🌅 Nudge {time}",
    "schedule.button_recap": "🌙 Recap {time}",
    "schedule.button_weekly": "📊 Weekly {time}",
    "schedule.button_pause": "⏸ Pause {days:one=# day|other=# days}",
    "schedule.button_resume": "▶️ Resume",
    "schedule.button_off": "Off",
    "schedule.button_back": "← Back",
    "schedule.pick_time": "Pick a time for the {what} (any time: /settings {kind} HH:MM):",
    "schedule.updated": "Updated",
    "schedule.weekday_0": "Mon",
    "schedule.weekday_1": "Tue",
    "schedule.weekday_2": "Wed",
    "schedule.weekday_3": "Thu",
    "schedule.weekday_4": "Fri",
    "schedule.weekday_5": "Sat",
    "schedule.weekday_6": "Sun",
    # The morning nudge
    "schedule.nudge": "🌅 Good morning, {name}! Today's Minimum Viable Day: one focus block.",
    "schedule.nudge_suggestion": "Suggested for today: {suggestion}",
    "schedule.nudge_framing": "On a day you don't feel like it, ask only this: get through one block. The button below starts 45 minutes.",
    "schedule.nudge_done": "🎉 {name}, you've already finished {blocks:one=# focus block|other=# focus blocks} today ({minutes:one=# minute|other=# minutes}) — the Minimum Viable Day is done! Start another if you like; resting is fine too.",
    "schedule.nudge_short": "🌅 {name}, you've done {blocks:one=# block|other=# blocks} today ({minutes:one=# minute|other=# minutes}), but none of {standard:one=# minute|other=# minutes} yet — one full block and the day's minimum is met.",
    "schedule.plan_week": "week {week} · {theme}",
    "schedule.plan_item": "week {week} “{title}” · item {position}: {item} (then /check {position})",
    "schedule.nudge_reviews": "{count:one=# quiz card is|other=# quiz cards are} due for review: /quiz takes a few minutes.",
    "schedule.button_start_block": "▶️ Start a 45-minute block",
    "schedule.late": "⏰ This message is {minutes:one=# minute|other=# minutes} late: it was due at {time}, while I was offline.",
    # The evening recap
    "schedule.recap_title": "🌙 Today's recap ({date})",
    "schedule.recap_totals": "{blocks:one=# focus block|other=# focus blocks}, {minutes:one=# minute|other=# minutes}:",
    "schedule.recap_block": "• {time} {topic} ({minutes} min)",
    "schedule.recap_block_recap": "  recap: {recap}",
    "schedule.recap_notes": "Today's log:",
    "schedule.recap_rewards": "🎁 Rewards: {rewards}",
    "schedule.recap_streak": "🔥 Streak: {days:one=# day|other=# days}",
    "schedule.recap_well_done": "The Minimum Viable Day is done — well done. Rest well!",
    "schedule.recap_short": "Today's blocks were all shorter than {standard:one=# minute|other=# minutes}, so the day's minimum isn't met — the minutes still count. Tomorrow, one full block is enough.",
    "schedule.recap_nothing": "No focus block today — that's fine, it isn't a failure.",
    "schedule.recap_notes_count": "You did write {count:one=# note|other=# notes}, though: any output is a win.",
    "schedule.recap_smallest_step": "If you have a little energy left, do just the smallest thing: write three sentences into today's log with /note (say, about a paper or video you saw). Or start a block now.",
    "schedule.recap_streak_open": "Your streak is {days:one=# day|other=# days}; one block today keeps it going.",
    # The weekly summary
    "schedule.weekly_title": "📊 Week {week} summary ({first} – {last})",
    "schedule.weekly_totals": "{blocks:one=# focus block|other=# focus blocks}, {minutes:one=# minute|other=# minutes}; active on {active}/7 days, minimum met on {met:one=# day|other=# days}",
    "schedule.weekly_so_far": "(so far, as of {date}; {days:one=# day|other=# days} of this week to go)",
    "schedule.weekly_last_day": "(so far, as of {date}; today is the week's last day)",
    "schedule.weekly_streak": "🔥 Streak: {days:one=# day|other=# days}",
    "schedule.weekly_longest": "⏱ Longest block: {topic} ({minutes} min, {date})",
    "schedule.weekly_rewards": "🎁 {count:one=# reward|other=# rewards}: {rewards}",
    "schedule.weekly_no_rewards": "🎁 No rewards taken this week",
    "schedule.weekly_empty": "No completed focus block that week. No matter: start again with one block today.",
    "schedule.weekly_empty_so_far": "No completed focus block this week yet. One block today is a good start.",
    "schedule.weekly_plan": "✅ Plan checklist: {done}/{total:one=# item|other=# items}",
    "schedule.weekly_quiz": "🧠 Quiz accuracy: {percent}% ({correct}/{answered})",
    "schedule.weekly_demo": "🖼 Demo record: {entries}",
    "schedule.weekly_draft": "📝 A Markdown draft of your Week {week} summary in the plan's format — paste it at the end of the plan and edit.",
    "schedule.draft_done_summary": "{blocks:one=# focus block|other=# focus blocks}, {minutes:one=# minute|other=# minutes} ({topics}).",
    "schedule.draft_done_none": "no completed focus block this week.",
    "schedule.draft_placeholder": "(to fill in)",
    "schedule.draft_note": "log",
    "schedule.draft_plan": "plan checklist {done}/{total:one=# item|other=# items}",
    "schedule.draft_quiz": "quiz accuracy {percent}% ({correct}/{answered})",
    "schedule.draft_demo": "demo: {entry}",
    # /week
    "schedule.week_usage": "Usage: /week (this week), /week last (last week), /week 2 (plan week 2) or /week 2026-03-02 (the week of that day).",
    "schedule.week_future": "Week {week} hasn't started; this is week {current}.",
    "schedule.week_before_start": "That week is before you started; your week 1 began on {first}.",
}
