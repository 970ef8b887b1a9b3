"""Builds the python-telegram-bot Application: services, handlers, jobs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import cast

from telegram import BotCommand, Update
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.access import refuse_strangers
from bot.errors import on_error
from bot.handlers import (
    blocks,
    export,
    fallback,
    journal,
    onboarding,
    plan,
    privacy,
    progress,
    quiz,
    rewards,
    schedule,
    tutor,
    vision,
)
from bot.sending import ResilientRateLimiter
from bot.transport import AiohttpRequest
from coach.blocks import keyboards
from coach.learners.keyboards import LANGUAGE_PATTERN
from coach.messages import LANGUAGES, t
from jobs.blocks import recover, sweep
from jobs.context import BotData, CoachApplication, CoachContext
from jobs.drain import DRAIN_EVERY_SECONDS, drain_replies
from jobs.services import Services

log = logging.getLogger(__name__)

HTTP_CONNECTIONS = 8
HTTP_POOL_WAIT_SECONDS = 30.0

# The learner's commands, in the order /help and Telegram's menu show them.
COMMANDS = (
    "block",
    "status",
    "cancel",
    "recap",
    "note",
    "plan",
    "today",
    "check",
    "quiz",
    "rewards",
    "export",
    "settings",
    "week",
    "progress",
    "vision",
    "timezone",
    "lang",
    "forget",
    "help",
)
COMMAND_DESCRIPTIONS = {
    "zh": {
        "block": "开始一个专注块",
        "status": "今天的进度",
        "cancel": "取消当前的块",
        "recap": "保存块的小结",
        "note": "写今日记录",
        "plan": "本周计划和清单",
        "today": "今天做什么",
        "check": "勾选清单第 N 项",
        "quiz": "测验复习",
        "rewards": "奖励菜单",
        "export": "导出我的数据",
        "settings": "提醒时间与暂停",
        "week": "一周小结",
        "progress": "整个计划的进度图",
        "vision": "图片问答（CLIP / 多模态）",
        "timezone": "设置时区",
        "lang": "切换语言",
        "forget": "删除我的全部数据",
        "help": "帮助",
    },
    "en": {
        "block": "start a focus block",
        "status": "today's progress",
        "cancel": "cancel the block",
        "recap": "save a block's recap",
        "note": "add to today's log",
        "plan": "this week's plan and checklist",
        "today": "what to do today",
        "check": "tick checklist item N",
        "quiz": "review with quizzes",
        "rewards": "reward menu",
        "export": "export my data",
        "settings": "reminder times and pause",
        "week": "weekly summary",
        "progress": "a picture of the whole plan",
        "vision": "photos: CLIP and vision-language models",
        "timezone": "set the timezone",
        "lang": "switch language",
        "forget": "delete all my data",
        "help": "help",
    },
}


# Each feature module's `register(application)` adds its handlers (and jobs) ahead of the
# catch-all handlers below; order matters only among handlers of the same group.
FEATURES: tuple[Callable[[CoachApplication], None], ...] = (
    plan.register,
    quiz.register,
    schedule.register,
    vision.register,
    privacy.register,
    tutor.register,
)


def build_application(services: Services, token: str) -> CoachApplication:
    """The Application with every handler and job, talking to `TELEGRAM_API_URL`."""
    api = services.settings.telegram_api_url
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .context_types(ContextTypes(context=CoachContext, bot_data=BotData))
        .updater(None)
        # Bot API calls go through aiohttp rather than PTB's httpx: about a third of the CPU
        # per call (python -m bench.transport). A few kept-alive connections serve many
        # concurrent sends; sends wait for a free connection rather than fail. getUpdates has
        # its own connection, so a long poll never holds up a reply. At most COACH_SEND_RATE
        # messages in any second; a 429 waits for retry_after, a 5xx is retried with backoff.
        .request(
            AiohttpRequest(
                connection_pool_size=HTTP_CONNECTIONS, pool_timeout=HTTP_POOL_WAIT_SECONDS
            )
        )
        .get_updates_request(AiohttpRequest(connection_pool_size=1))
        .rate_limiter(ResilientRateLimiter(services.settings.send_rate))
        .post_init(_on_startup)
    )
    # The builder cannot infer the custom context in the job queue's type.
    application = cast(CoachApplication, builder.build())
    application.bot_data.services = services
    _add_handlers(application)
    return application


def _add_handlers(application: CoachApplication) -> None:
    # Edited messages are not new requests: a fixed typo must not start a second block.
    new = filters.UpdateType.MESSAGE
    application.add_handler(TypeHandler(Update, refuse_strangers), group=-1)
    commands = {
        "start": onboarding.start,
        "help": onboarding.help_command,
        "lang": onboarding.language,
        "language": onboarding.language,
        "timezone": onboarding.timezone,
        "tz": onboarding.timezone,
        "block": blocks.block,
        "cancel": blocks.cancel,
        "status": blocks.status,
        "recap": journal.recap,
        "note": journal.note,
        "rewards": rewards.rewards,
        "export": export.export,
        "progress": progress.progress,
    }
    for name, callback in commands.items():
        application.add_handler(CommandHandler(name, callback, filters=new))
    application.add_handler(
        CallbackQueryHandler(blocks.block_button, pattern=keyboards.BLOCK_PATTERN)
    )
    application.add_handler(
        CallbackQueryHandler(rewards.reward_button, pattern=keyboards.REWARD_PATTERN)
    )
    application.add_handler(
        CallbackQueryHandler(onboarding.language_button, pattern=LANGUAGE_PATTERN)
    )
    for register in FEATURES:
        register(application)
    application.add_handler(CallbackQueryHandler(fallback.unknown_button))
    application.add_handler(MessageHandler(new & filters.COMMAND, fallback.unknown_command))
    application.add_handler(MessageHandler(new & filters.TEXT, journal.plain_text))
    application.add_handler(MessageHandler(new, fallback.unsupported_message))
    application.add_error_handler(on_error)


async def _on_startup(application: CoachApplication) -> None:
    """Publish the command menu, recover blocks that ended while down, start the sweep."""
    services = application.bot_data.services
    assert services is not None
    if not services.settings.allowed_users:
        log.warning("COACH_ALLOWED_USERS is empty: anyone who finds this bot can use it")
    for language in LANGUAGES:
        descriptions = COMMAND_DESCRIPTIONS[language]
        await application.bot.set_my_commands(
            [BotCommand(name, descriptions[name]) for name in COMMANDS],
            language_code=None if language == services.settings.language else language,
        )
    job_queue = application.job_queue
    assert job_queue is not None, "python-telegram-bot[job-queue] is installed"
    job_queue.run_once(recover, when=0, name="recover")
    # Replies a crash or an outage left in the outbox, then any that a failure leaves later.
    job_queue.run_repeating(
        drain_replies, interval=DRAIN_EVERY_SECONDS, first=0, name="reply-outbox"
    )
    interval = services.settings.sweep_seconds
    job_queue.run_repeating(sweep, interval=interval, first=interval, name="sweep")


__all__ = ["COMMANDS", "build_application", "t"]
