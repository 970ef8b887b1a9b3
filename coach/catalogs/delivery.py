"""Strings about replies that could not be delivered although the work was done."""

from __future__ import annotations

from typing import Final

ZH: Final[dict[str, str]] = {
    "delivery.reply_lost": "抱歉，你刚才的操作已经保存好了，只是我的回复没能送到。发 /status 可以看看现在的情况。",
}

EN: Final[dict[str, str]] = {
    "delivery.reply_lost": "Sorry — what you just did was saved, but my reply didn't get through. /status shows where things stand.",
}
