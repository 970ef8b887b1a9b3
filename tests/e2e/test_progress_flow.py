"""/progress through the real client and the emulator: one picture of the plan, in zh and en."""

from __future__ import annotations

import io

from emulator import BotApiEmulator
from tests.support.running_bot import RunningBot

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG_SIGNATURE)
    header = io.BytesIO(png[16:24])
    return int.from_bytes(header.read(4), "big"), int.from_bytes(header.read(4), "big")


async def test_progress_is_a_phone_sized_picture_in_the_learner_s_language(
    bot: RunningBot, emulator: BotApiEmulator
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    lin.send_text("/block 1 ViT")
    await lin.next_message()
    lin.send_text("/progress")
    picture = await lin.next_message(timeout=30)
    assert picture.method == "sendPhoto" and picture.photo is not None, picture.summary()
    width, height = _png_size(picture.photo)
    assert width >= 1000 and height > 600  # 2x DPI for a phone screen
    assert "你的计划到今天的样子" in (picture.caption or "")

    lin.send_text("/lang en")
    await lin.next_message()
    lin.send_text("/progress")
    again = await lin.next_message(timeout=30)
    assert again.method == "sendPhoto" and again.photo is not None
    assert "Your plan so far" in (again.caption or "")
    assert again.photo != picture.photo  # drawn anew, in English
