"""Every user-facing string, in Chinese (the default) and English; both catalogs are complete."""

from __future__ import annotations

from types import ModuleType
from typing import Final

from coach.catalogs import delivery as delivery_catalog
from coach.catalogs import pictures as pictures_catalog
from coach.catalogs import plan as plan_catalog
from coach.catalogs import privacy as privacy_catalog
from coach.catalogs import quiz as quiz_catalog
from coach.catalogs import schedule as schedule_catalog
from coach.catalogs import tutor as tutor_catalog
from coach.catalogs import vision as vision_catalog
from coach.text import LANGUAGES, Language, format_message, normalize_language

__all__ = ["CATALOGS", "LANGUAGES", "Language", "normalize_language", "t"]

ZH: Final[dict[str, str]] = {
    "start.welcome": (
        "你好，{name}！我是你的学习教练 🌱\n\n"
        "每天最低标准（Minimum Viable Day）：至少完成 1 个专注块（Focus Block）。\n"
        "• /block 开始一个 45 分钟的块：35–45 分钟做事，最后 10–15 分钟写 3 个关键词或 3 行小结；\n"
        "• 完成后立刻领一个小奖励——奖励只属于完成的块。\n\n"
        "当前语言：中文（/lang en 切换到英文）\n"
        "当前时区：{timezone}（用 /timezone 区域/城市 修改，例如 /timezone Asia/Shanghai）\n\n"
        "你的奖励菜单：\n{rewards}\n\n"
        "不想学的时候，只要求自己：先撑过一个块。/help 查看全部命令。"
    ),
    "help": (
        "命令一览：\n"
        "/block [分钟] [主题] — 开始专注块（默认 45 分钟，1–180）\n"
        "/status — 当前块、今天的进度和连续天数\n"
        "/cancel — 取消正在进行的块\n"
        "/recap 文本 — 写或改最近一个块的小结（/recap 查看）\n"
        "/note 文本 — 写进今天的“今日记录”\n"
        "/rewards — 奖励菜单；/rewards add 名称；/rewards remove 序号\n"
        "/plan — 本周的计划和清单；/plan N 看第 N 周；/plan start 日期；/plan export\n"
        "/today — 今天建议做的一项\n"
        "/check N — 勾选本周清单第 N 项\n"
        "/quiz — 测验复习（间隔重复）；/quiz explain；/quiz stats\n"
        "把 .md 计划文件发给我，就能导入你自己的计划；直接发消息可以和我聊学习\n"
        "/export — 导出你的全部数据（JSON 文件）\n"
        "/settings — 提醒时间、时区和暂停（例如 /settings nudge 08:30、/settings pause 7）\n"
        "/week [last|N] — 一周小结：图表 + Markdown 草稿\n"
        "/progress — 整个计划的进度图：日历热力图、清单、连续天数、测验正确率\n"
        "/vision — 图片问答：发照片给 CLIP 或多模态模型（说明写 猫 | 狗 或一个问题）\n"
        "/timezone 区域/城市 — 设置时区\n"
        "/lang zh|en — 切换语言\n"
        "/forget — 删除我的全部数据（会先确认）\n"
        "/help — 显示这条帮助"
    ),
    "lang.set": "好的，之后我用中文和你说话。",
    "time.tomorrow": "明天 {time}",
    "lang.usage": "用法：/lang zh 或 /lang en",
    "tz.set": "时区已设为 {timezone}，现在是当地时间 {local_time}。",
    "tz.invalid": "“{value}” 不是有效的 IANA 时区名。请用“区域/城市”的形式，例如 Asia/Shanghai、Europe/Berlin、America/New_York。",
    "tz.usage": "当前时区：{timezone}\n用法：/timezone 区域/城市，例如 /timezone Asia/Shanghai",
    "block.default_topic": "专注",
    "block.started": (
        "⏱ 专注块开始：{topic}\n"
        "时长 {minutes} 分钟，{end} 结束。\n"
        "先做事，最后 10–15 分钟记下 3 个关键词或 3 行小结。手机静音，加油！"
    ),
    "block.usage": "用法：/block [分钟] [主题]，分钟为 1–180，默认 45。例如：/block 45 ViT patch embedding",
    "block.bad_minutes": "时长要在 1 到 180 分钟之间，你给的是 “{value}”。\n用法：/block [分钟] [主题]",
    "block.topic_too_long": "主题最多 {limit} 个字，请写短一点。",
    "block.already_running": "已经有一个专注块在进行：{topic}，还剩 {remaining} 分钟（{end} 结束）。一次只做一个块——用 /cancel 取消它，或点“提前完成”。",
    "block.button_finish": "✅ 提前完成",
    "block.button_cancel": "✖️ 取消",
    "block.completed": (
        "🎉 专注块完成：{topic}（{minutes} 分钟）\n\n"
        "现在用 10–15 分钟写小结：2 小时内直接发一条消息（或 /recap 文本），3 个关键词或 3 行都可以，我会把它存到这个块下面。问题（带问号的）我会当作提问来回答。"
    ),
    "block.completed_late": (
        "🎉 专注块完成：{topic}（{minutes} 分钟）\n"
        "⏰ 抱歉，这条通知迟到了：这个块在 {end} 就结束了，当时我不在线。\n\n"
        "现在用 10–15 分钟写小结：2 小时内直接发一条消息（或 /recap 文本），3 个关键词或 3 行都可以。"
    ),
    "block.finished_early": (
        "✅ 提前完成：{topic}，做了 {worked} 分钟。\n\n"
        "现在写小结：2 小时内直接发一条消息（或 /recap 文本），3 个关键词或 3 行都可以。"
    ),
    "block.cancelled": "已取消：{topic}。没关系，准备好了就再开一个块——哪怕只是先撑过一个块。",
    "block.none_running": "现在没有进行中的专注块。用 /block 开始一个吧。",
    "block.not_running": "这个专注块已经结束了。",
    "button.stale": "这个按钮已经失效了。",
    "reward.offer": "🎁 选一个奖励，马上兑现：",
    "reward.none_short": "这次做了 {worked} 分钟，少于 {min} 分钟，所以没有奖励——奖励只跟完整的块绑定。下一个块就能拿到！",
    "reward.granted": "🎁 去享受吧：{title}！奖励已记在这个块上。",
    "reward.already": "这个块的奖励已经领过了：{title}。",
    "reward.not_earned": "这个块没有奖励可领。",
    "reward.menu_empty": "你的奖励菜单是空的，用 /rewards add 名称 加一个吧。",
    "rewards.menu": "你的奖励菜单：\n{items}",
    "rewards.recent": "最近领取：\n{grants}",
    "rewards.no_grants": "还没有领取过奖励。完成一个块就有！",
    "rewards.usage": "用法：/rewards 查看；/rewards add 名称；/rewards remove 序号",
    "rewards.added": "已加入奖励菜单：{title}",
    "rewards.removed": "已从奖励菜单删除：{title}",
    "rewards.bad_index": "没有第 “{value}” 项。菜单共有 {count} 项，请用 1 到 {count} 的序号。",
    "rewards.title_too_long": "奖励名称最多 {limit} 个字。",
    "rewards.menu_full": "奖励菜单最多 {limit} 项，先删掉一项再加。",
    "recap.saved": "📝 小结已保存到「{topic}」（{time} 结束的块）。要改：/recap 新的小结；查看：/recap",
    "recap.replaced": "📝 「{topic}」（{time} 结束的块）的小结已替换。查看：/recap",
    "recap.show": "📝 「{topic}」（{time} 结束的块）的小结：\n{recap}\n\n要改：/recap 新的小结",
    "recap.show_empty": "「{topic}」（{time} 结束的块）还没有小结。写一条：/recap 你的小结",
    "recap.not_a_recap": "这条像是一个问题，所以没有存成「{topic}」的小结——小结直接发一条（或 /recap 文本）。",
    "recap.too_late": "「{topic}」结束已经超过 {hours} 小时，这条消息没有存成它的小结。如果它就是小结，发 /recap 文本。",
    "recap.no_block": "还没有完成的块，所以还没有小结可写。想记录今天的收获，可以用 /note 文本。",
    "note.saved": "📒 已写进 {date} 的今日记录（今天第 {count} 条）。",
    "note.usage": "用法：/note 今天的收获（3 句话就够）",
    "note.too_long": "一条记录最多 {limit} 个字，请分成几条。",
    "status.running": "⏱ 进行中：{topic}，还剩 {remaining} 分钟（{end} 结束）",
    "status.idle": "现在没有进行中的块。",
    "status.today": "今天（{date}）：完成 {blocks} 个块，共 {minutes} 分钟",
    "status.streak": "连续达标：{days} 天",
    "status.streak_none": "连续达标：0 天——今天完成一个 {standard} 分钟以上的块就开始！",
    "status.standard_met": "今天的最低标准（一个 {standard} 分钟以上的完整块）：✅ 已达标",
    "status.standard_open": "今天的最低标准（一个 {standard} 分钟以上的完整块）：还没达标",
    "export.caption": "你的全部数据：{blocks} 个专注块、{notes} 条记录、{grants} 次奖励。",
    "text.unexpected": "我收到了，不过现在没有等你写小结的块。\n想记下来？用 /note 文本 写进今日记录；想开始学习？用 /block。/help 查看全部命令。",
    "text.too_long": "这条消息太长了（最多 {limit} 个字）。",
    "command.unknown": "没有 {command} 这个命令。\n/help 查看全部命令。",
    "command.suggest": "没有 {command} 这个命令——是想用 {suggestion} 吗？\n/help 查看全部命令。",
    "access.refused": "抱歉，这个学习教练只对受邀的学习者开放。",
    "error.generic": "抱歉，我这边出了点问题，刚才的操作没有完成。请稍后再试一次。",
    "unsupported": "我暂时只能处理文字消息、命令和图片。/help 查看我能做什么。",
    "rewards.default": "一杯奶茶 / 小零食\n楼下走 10 分钟\n刷 15 分钟短视频（定好闹钟）",
}

EN: Final[dict[str, str]] = {
    "start.welcome": (
        "Hi {name}! I'm your study coach 🌱\n\n"
        "Minimum Viable Day: at least one Focus Block.\n"
        "• /block starts a 45-minute block: 35–45 minutes of work, then 10–15 minutes writing 3 keywords or 3 lines;\n"
        "• a small reward follows at once — rewards belong to completed blocks only.\n\n"
        "Language: English (/lang zh for Chinese)\n"
        "Timezone: {timezone} (change it with /timezone Area/City, e.g. /timezone Asia/Shanghai)\n\n"
        "Your reward menu:\n{rewards}\n\n"
        "On a day you don't feel like studying, ask only this: get through one block. /help lists every command."
    ),
    "help": (
        "Commands:\n"
        "/block [minutes] [topic] — start a focus block (45 minutes by default, 1–180)\n"
        "/status — the running block, today's progress and your streak\n"
        "/cancel — cancel the running block\n"
        "/recap text — write or replace your latest block's recap (/recap shows it)\n"
        "/note text — add to today's log\n"
        "/rewards — your reward menu; /rewards add name; /rewards remove number\n"
        "/plan — this week's plan and checklist; /plan N for week N; /plan start date; /plan export\n"
        "/today — today's suggested item\n"
        "/check N — tick item N of this week's checklist\n"
        "/quiz — spaced-repetition quizzes; /quiz explain; /quiz stats\n"
        "Send me your .md plan file to import it; send any message to talk about your studies\n"
        "/export — all your data as a JSON file\n"
        "/settings — reminder times, timezone and pause (e.g. /settings nudge 08:30, /settings pause 7)\n"
        "/week [last|N] — a week's summary: chart + Markdown draft\n"
        "/progress — one picture of your whole plan: calendar, checklists, streaks, quiz accuracy\n"
        "/vision — photos: send one to CLIP or a vision-language model (caption cat | dog, or a question)\n"
        "/timezone Area/City — set your timezone\n"
        "/lang zh|en — switch language\n"
        "/forget — delete all my data (asks first)\n"
        "/help — this help"
    ),
    "lang.set": "Done — I'll speak English from now on.",
    "time.tomorrow": "{time} tomorrow",
    "lang.usage": "Usage: /lang zh or /lang en",
    "tz.set": "Timezone set to {timezone}; it is {local_time} there now.",
    "tz.invalid": "“{value}” is not an IANA timezone name. Use the Area/City form, e.g. Asia/Shanghai, Europe/Berlin, America/New_York.",
    "tz.usage": "Current timezone: {timezone}\nUsage: /timezone Area/City, e.g. /timezone Asia/Shanghai",
    "block.default_topic": "focus",
    "block.started": (
        "⏱ Focus block started: {topic}\n"
        "{minutes:one=# minute|other=# minutes}, ends at {end}.\n"
        "Work first; keep the last 10–15 minutes for 3 keywords or 3 lines. Phone on silent — you've got this!"
    ),
    "block.usage": "Usage: /block [minutes] [topic], minutes 1–180, 45 by default. Example: /block 45 ViT patch embedding",
    "block.bad_minutes": "A block lasts 1 to 180 minutes; you gave “{value}”.\nUsage: /block [minutes] [topic]",
    "block.topic_too_long": "A topic has at most {limit:one=# character|other=# characters}; please shorten it.",
    "block.already_running": "A focus block is already running: {topic}, {remaining} min left (ends at {end}). One block at a time — /cancel it or press “Finish early”.",
    "block.button_finish": "✅ Finish early",
    "block.button_cancel": "✖️ Cancel",
    "block.completed": (
        "🎉 Focus block complete: {topic} ({minutes} min)\n\n"
        "Now take 10–15 minutes for the recap: within 2 hours just send a message (or /recap text) — 3 keywords or 3 lines — and I'll save it with this block. A question (with a question mark) I answer as a question."
    ),
    "block.completed_late": (
        "🎉 Focus block complete: {topic} ({minutes} min)\n"
        "⏰ Sorry, this message is late: the block ended at {end} while I was offline.\n\n"
        "Now take 10–15 minutes for the recap: within 2 hours just send a message (or /recap text) — 3 keywords or 3 lines."
    ),
    "block.finished_early": (
        "✅ Finished early: {topic}, {worked:one=# minute|other=# minutes} of work.\n\n"
        "Now the recap: within 2 hours just send a message (or /recap text) — 3 keywords or 3 lines."
    ),
    "block.cancelled": "Cancelled: {topic}. That's fine — start another block when you're ready, even if it's just getting through one.",
    "block.none_running": "No focus block is running. Start one with /block.",
    "block.not_running": "This focus block has already ended.",
    "button.stale": "This button no longer works.",
    "reward.offer": "🎁 Pick your reward and take it now:",
    "reward.none_short": "This time you worked {worked:one=# minute|other=# minutes}, less than {min}, so no reward — rewards belong to full blocks. The next one earns it!",
    "reward.granted": "🎁 Enjoy: {title}! The reward is recorded against this block.",
    "reward.already": "This block's reward was already taken: {title}.",
    "reward.not_earned": "This block has no reward to take.",
    "reward.menu_empty": "Your reward menu is empty; add something with /rewards add name.",
    "rewards.menu": "Your reward menu:\n{items}",
    "rewards.recent": "Recent rewards:\n{grants}",
    "rewards.no_grants": "No rewards taken yet. Finish a block to earn one!",
    "rewards.usage": "Usage: /rewards to view; /rewards add name; /rewards remove number",
    "rewards.added": "Added to your reward menu: {title}",
    "rewards.removed": "Removed from your reward menu: {title}",
    "rewards.bad_index": "There is no item “{value}”. The menu has {count:one=# item|other=# items}; use {count:one=1|other=a number from 1 to #}.",
    "rewards.title_too_long": "A reward name has at most {limit:one=# character|other=# characters}.",
    "rewards.menu_full": "The reward menu holds at most {limit:one=# item|other=# items}; remove one first.",
    "recap.saved": "📝 Recap saved to “{topic}” (the block that ended {time}). To change it: /recap new recap; to see it: /recap",
    "recap.replaced": "📝 The recap of “{topic}” (the block that ended {time}) was replaced. To see it: /recap",
    "recap.show": "📝 The recap of “{topic}” (the block that ended {time}):\n{recap}\n\nTo change it: /recap new recap",
    "recap.show_empty": "“{topic}” (the block that ended {time}) has no recap yet. Write one: /recap your recap",
    "recap.not_a_recap": "That looks like a question, so it was not saved as the recap of “{topic}” — send the recap as a message (or /recap text).",
    "recap.too_late": "“{topic}” ended more than {hours:one=# hour|other=# hours} ago, so this message was not saved as its recap. If it is the recap, send /recap text.",
    "recap.no_block": "You have no completed block yet, so there is no recap to write. To log what you learned today, use /note text.",
    "note.saved": "📒 Added to the log of {date} (entry {count} today).",
    "note.usage": "Usage: /note what you learned today (3 sentences are plenty)",
    "note.too_long": "A note has at most {limit:one=# character|other=# characters}; please split it.",
    "status.running": "⏱ Running: {topic}, {remaining} min left (ends at {end})",
    "status.idle": "No block is running.",
    "status.today": "Today ({date}): {blocks:one=# block|other=# blocks} completed, {minutes:one=# minute|other=# minutes}",
    "status.streak": "Streak: {days:one=# day|other=# days}",
    "status.streak_none": "Streak: 0 days — finish a block of {standard:one=# minute|other=# minutes} or more today to start one!",
    "status.standard_met": "Today's minimum (one full block of {standard:one=# minute|other=# minutes} or more): ✅ met",
    "status.standard_open": "Today's minimum (one full block of {standard:one=# minute|other=# minutes} or more): not met yet",
    "export.caption": "All your data: {blocks:one=# focus block|other=# focus blocks}, {notes:one=# note|other=# notes}, {grants:one=# reward|other=# rewards}.",
    "text.unexpected": "Got it — but no block is waiting for a recap right now.\nTo keep it, use /note text for today's log; to study, use /block. /help lists every command.",
    "text.too_long": "That message is too long (at most {limit:one=# character|other=# characters}).",
    "command.unknown": "There is no {command} command.\n/help lists every command.",
    "command.suggest": "There is no {command} command — did you mean {suggestion}?\n/help lists every command.",
    "access.refused": "Sorry, this study coach is open to invited learners only.",
    "error.generic": "Sorry, something went wrong on my side and that action was not completed. Please try again in a moment.",
    "unsupported": "For now I understand text messages, commands and photos. /help shows what I can do.",
    "rewards.default": "Milk tea or a snack\nA 10-minute walk outside\n15 minutes of short videos (set an alarm)",
}

# Each feature keeps its strings in a module of coach/catalogs/ with its own ZH and EN dicts.
FEATURE_CATALOGS: Final[tuple[ModuleType, ...]] = (
    plan_catalog,
    quiz_catalog,
    tutor_catalog,
    schedule_catalog,
    vision_catalog,
    delivery_catalog,
    privacy_catalog,
    pictures_catalog,
)


def _merge(language: Language, core: dict[str, str]) -> dict[str, str]:
    merged = dict(core)
    for module in FEATURE_CATALOGS:
        part: dict[str, str] = getattr(module, language.upper())
        overlap = merged.keys() & part.keys()
        if overlap:
            raise ValueError(f"message keys defined twice: {sorted(overlap)}")
        merged.update(part)
    return merged


CATALOGS: Final[dict[Language, dict[str, str]]] = {"zh": _merge("zh", ZH), "en": _merge("en", EN)}


def t(language: str, key: str, **values: object) -> str:
    """The message `key` in `language`, with its placeholders filled in.

    A count's placeholder may list plural forms (`{days:one=# day|other=# days}`); the
    language's CLDR plural rules pick one (see coach.text).
    """
    language = normalize_language(language)
    template = CATALOGS[language][key]
    return format_message(language, template, values) if values else template
