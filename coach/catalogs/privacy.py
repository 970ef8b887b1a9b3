"""Strings of /forget: deleting all of a learner's data after a confirmation."""

from __future__ import annotations

from typing import Final

ZH: Final[dict[str, str]] = {
    "privacy.confirm": (
        "⚠️ 这会永久删除我保存的关于你的全部数据：专注块、小结、今日记录、奖励菜单和领取记录、设置，"
        "以及以后新功能存下的一切。删除后无法恢复。\n\n"
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
    "privacy.confirm": (
        "⚠️ This permanently deletes everything I store about you: focus blocks, recaps, "
        "your daily log, reward menu and rewards taken, settings, and whatever later features "
        "keep. It cannot be undone.\n\n"
        "Want a copy first? Send /export.\nDelete everything? (valid for {minutes:one=# minute|other=# minutes})"
    ),
    "privacy.button_yes": "🗑 Delete everything",
    "privacy.button_no": "Keep my data",
    "privacy.done": "All your data is deleted. To start again, just send /start.",
    "privacy.kept": "Alright, nothing was deleted.",
    "privacy.expired": "This confirmation is no longer valid; nothing was deleted. Send /forget again to delete.",
    "privacy.nothing": "I have no data about you, so there is nothing to delete.",
}
