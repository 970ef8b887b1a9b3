"""Strings of /forget: deleting all of a learner's data after a confirmation.

The confirmation names each kind of data it deletes (`privacy.data.*`, one line each);
coach.privacy.FORGOTTEN_DATA says which tables each kind is, and a test checks that every
table holding learner data is named by one of them.
"""

from __future__ import annotations

from typing import Final

# Kind of data → how the learner knows it, in the order the confirmation lists them.
DATA_ZH: Final[dict[str, str]] = {
    "privacy.data.profile": "你的名字、语言和时区",
    "privacy.data.blocks": "专注块和每个块的小结",
    "privacy.data.notes": "今日记录",
    "privacy.data.rewards": "奖励菜单和领过的奖励",
    "privacy.data.plan": "导入的学习计划和清单上的勾",
    "privacy.data.quiz": "测验卡片、你的答案和复习进度",
    "privacy.data.conversation": "我们的聊天记录",
    "privacy.data.schedule": "提醒时间、暂停和已发提醒的记录",
    "privacy.data.photos": "图片问答：你的说明、图片在 Telegram 上的引用和模型的回答",
}
DATA_EN: Final[dict[str, str]] = {
    "privacy.data.profile": "your name, language and timezone",
    "privacy.data.blocks": "your focus blocks and their recaps",
    "privacy.data.notes": "your daily log",
    "privacy.data.rewards": "your reward menu and the rewards you took",
    "privacy.data.plan": "your imported study plan and its ticks",
    "privacy.data.quiz": "your quiz cards, answers and review progress",
    "privacy.data.conversation": "our conversations",
    "privacy.data.schedule": "your reminder times, pauses and the record of reminders sent",
    "privacy.data.photos": "photo questions: your captions, Telegram's reference to each photo and the model's answers",
}


def _bullets(data: dict[str, str]) -> str:
    return "\n".join(f"• {text}" for text in data.values())


ZH: Final[dict[str, str]] = {
    **DATA_ZH,
    "privacy.confirm": (
        "⚠️ 这会永久删除我保存的关于你的全部数据：\n" + _bullets(DATA_ZH) + "\n删除后无法恢复。\n\n"
        "想先留一份？先发 /export。\n确定要全部删除吗？（{minutes} 分钟内有效）"
    ),
    "privacy.button_yes": "🗑 全部删除",
    "privacy.button_no": "保留我的数据",
    "privacy.done": "已删除你的全部数据。想重新开始的话，发 /start 就好。",
    "privacy.kept": "好的，什么都没删。",
    "privacy.expired": "这个删除确认已经失效了，什么都没删。要删除请重新发送 /forget。",
    "privacy.nothing": "我这里没有你的任何数据，不需要删除。",
}

EN: Final[dict[str, str]] = {
    **DATA_EN,
    "privacy.confirm": (
        "⚠️ This permanently deletes everything I store about you:\n"
        + _bullets(DATA_EN)
        + "\nIt cannot be undone.\n\n"
        "Want a copy first? Send /export.\n"
        "Delete everything? (valid for {minutes:one=# minute|other=# minutes})"
    ),
    "privacy.button_yes": "🗑 Delete everything",
    "privacy.button_no": "Keep my data",
    "privacy.done": "All your data is deleted. To start again, just send /start.",
    "privacy.kept": "Alright, nothing was deleted.",
    "privacy.expired": "This confirmation is no longer valid; nothing was deleted. Send /forget again to delete.",
    "privacy.nothing": "I have no data about you, so there is nothing to delete.",
}
