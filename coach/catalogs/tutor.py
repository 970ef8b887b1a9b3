"""Messages of the coach's voice: offline replies and saying when the LLM was not used."""

from __future__ import annotations

from typing import Final

ZH: Final[dict[str, str]] = {
    "tutor.point_hit": "✅ {point}",
    "tutor.point_missed": "❌ {point}",
    "tutor.offline_week": "你现在在第 {week} 周：{title}，清单完成 {done}/{total}。",
    "tutor.offline_item": "今天建议做第 {number} 项：{item}",
    "tutor.offline_week_done": "本周清单已经全部完成 🎉",
    "tutor.offline_today": "今天已完成 {blocks} 个专注块（{minutes} 分钟）。",
    "tutor.offline_due": "有 {count} 张卡到期复习。",
    "tutor.offline_commands": "想开始就 /block，复习用 /quiz，看计划用 /plan，记笔记用 /note。",
    "tutor.chat_fallback_not_configured": "（离线回复：没有配置语言模型。）",
    "tutor.chat_fallback_timeout": "（语言模型太久没有回应，这是离线回复。）",
    "tutor.chat_fallback_failed": "（语言模型出错了，这是离线回复。）",
    "tutor.chat_fallback_bad_reply": "（语言模型的回答无法使用，这是离线回复。）",
    "tutor.grade_fallback_not_configured": "（没有配置语言模型，用的是离线关键词评分。）",
    "tutor.grade_fallback_timeout": "（语言模型太久没有回应，改用离线关键词评分。）",
    "tutor.grade_fallback_failed": "（语言模型出错了，改用离线关键词评分。）",
    "tutor.grade_fallback_bad_reply": "（语言模型的评分无法读取，改用离线关键词评分。）",
}

EN: Final[dict[str, str]] = {
    "tutor.point_hit": "✅ {point}",
    "tutor.point_missed": "❌ {point}",
    "tutor.offline_week": "You are in week {week}: {title}, checklist {done}/{total}.",
    "tutor.offline_item": "Today's suggestion is item {number}: {item}",
    "tutor.offline_week_done": "This week's checklist is all done 🎉",
    "tutor.offline_today": "Today so far: {blocks:one=# focus block|other=# focus blocks} ({minutes:one=# minute|other=# minutes}).",
    "tutor.offline_due": "{count:one=# card is|other=# cards are} due for review.",
    "tutor.offline_commands": "Start with /block, review with /quiz, see the plan with /plan, take notes with /note.",
    "tutor.chat_fallback_not_configured": "(Offline reply: no language model is configured.)",
    "tutor.chat_fallback_timeout": "(The language model took too long; this is the offline reply.)",
    "tutor.chat_fallback_failed": "(The language model failed; this is the offline reply.)",
    "tutor.chat_fallback_bad_reply": "(The language model's answer was unusable; this is the offline reply.)",
    "tutor.grade_fallback_not_configured": "(No language model is configured: offline keyword grading.)",
    "tutor.grade_fallback_timeout": "(The language model took too long: offline keyword grading instead.)",
    "tutor.grade_fallback_failed": "(The language model failed: offline keyword grading instead.)",
    "tutor.grade_fallback_bad_reply": "(The language model's grade was unreadable: offline keyword grading instead.)",
}
