"""The learner-facing text of the photo feature: replies and the weekly demo record."""

from __future__ import annotations

import re
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from coach.messages import t
from coach.vision.client import LabelScore
from coach.vision.requests import MAX_LABEL_LENGTH, MAX_LABELS, MAX_QUESTION_LENGTH, RequestKind
from coach.vision.service import ExchangeStatus, ExchangeView, Vision

# Telegram allows 4096 characters; the frame around an answer needs a little.
MAX_ANSWER_CHARS = 3500
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_ERRORS = {
    "unavailable",
    "timeout",
    "bad_image",
    "too_large",
    "no_clip",
    "no_vlm",
    "download",
    "failed",
    "too_few_labels",
    "too_many_labels",
    "label_too_long",
    "question_too_long",
}
_LIMITS = {
    "too_many_labels": MAX_LABELS,
    "label_too_long": MAX_LABEL_LENGTH,
    "question_too_long": MAX_QUESTION_LENGTH,
}


def ranking_lines(scores: Sequence[LabelScore]) -> str:
    """`1. cat — 93.1%`, one line per label, highest first."""
    return "\n".join(
        f"{rank}. {score.label} — {score.score * 100:.1f}%"
        for rank, score in enumerate(scores, start=1)
    )


def clean_answer(text: str) -> str:
    """A model's answer made safe to send: no control characters, not too long."""
    cleaned = _CONTROL.sub("", text).strip()
    if len(cleaned) > MAX_ANSWER_CHARS:
        cleaned = cleaned[: MAX_ANSWER_CHARS - 1].rstrip() + "…"
    return cleaned


def reply_text(language: str, exchange: ExchangeView, timeout: float) -> str:
    """The reply to a finished exchange: the ranking, the answer, or why there is none."""
    if exchange.status is ExchangeStatus.FAILED or exchange.status is ExchangeStatus.PENDING:
        return failure_text(language, exchange.error or "failed", timeout)
    model = exchange.model or "?"
    if exchange.scores is not None:
        key = "vision.ranking" if exchange.kind is RequestKind.LABELS else "vision.ranking_default"
        return t(language, key, model=model, lines=ranking_lines(exchange.scores))
    answer = clean_answer(exchange.answer or "") or t(language, "vision.empty_answer")
    return t(language, "vision.answer", answer=answer, model=model)


def failure_text(language: str, code: str, timeout: float) -> str:
    """Why a photo got no answer, in the learner's language."""
    code = code if code in _ERRORS else "failed"
    return t(
        language,
        f"vision.error.{code}",
        seconds=f"{timeout:g}",
        limit=_LIMITS.get(code, 0),
    )


def demo_record_markdown(
    language: str, exchanges: Sequence[ExchangeView], timezone: str, heading_level: int = 2
) -> str:
    """The weekly draft's "CLIP / VLM demo record" section: a table of the answered photos."""
    heading = f"{'#' * heading_level} {t(language, 'vision.md_heading')}"
    answered = [e for e in exchanges if e.status is ExchangeStatus.ANSWERED]
    if not answered:
        return f"{heading}\n\n{t(language, 'vision.md_empty')}\n"
    zone = ZoneInfo(timezone)
    columns = t(language, "vision.md_columns")
    rows = [heading, "", columns, "|" + "---|" * columns.count(" | ") + "---|"]
    for exchange in answered:
        when = exchange.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        cells = [
            when,
            f"`{exchange.file_id}`",
            _asked(language, exchange),
            _answered(exchange),
            exchange.model or "",
            f"{exchange.latency_ms} ms" if exchange.latency_ms is not None else "",
        ]
        rows.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return "\n".join(rows) + "\n"


def _asked(language: str, exchange: ExchangeView) -> str:
    if exchange.kind is RequestKind.LABELS or (exchange.scores is not None and exchange.labels):
        labels = ", ".join(exchange.labels or ())
        return t(language, "vision.md_labels", labels=labels)
    if exchange.kind is RequestKind.DESCRIBE:
        return t(language, "vision.md_describe")
    return exchange.prompt or ""


def _answered(exchange: ExchangeView) -> str:
    if exchange.scores is not None:
        return ", ".join(f"{s.label} {s.score * 100:.0f}%" for s in exchange.scores[:3])
    return clean_answer(exchange.answer or "")[:300]


def _cell(text: str) -> str:
    """Text that stays inside one Markdown table cell."""
    return " ".join(text.replace("|", "\\|").split())


async def vision_help(vision: Vision, language: str, used: int, *, admin: bool) -> str:
    """/vision: the caption forms with examples; set-up hints for the bot's admins only."""
    if not vision.configured:
        forms = t(language, "vision.caption_forms", no_caption=t(language, "vision.help_either"))
        text = t(language, "vision.help_unavailable", forms=forms)
        return f"{text}\n\n{t(language, 'vision.operator_setup')}" if admin else text
    models, describes = await _models_status(vision, language)
    no_caption = t(language, "vision.help_describe" if describes else "vision.help_rank")
    return t(
        language,
        "vision.help",
        forms=t(language, "vision.caption_forms", no_caption=no_caption),
        models=models,
        used=used,
        limit=vision.config.daily_limit,
    )


async def _models_status(vision: Vision, language: str) -> tuple[str, bool]:
    """Lines naming the CLIP and the chat model, and whether a no-caption photo is described."""
    endpoints = vision.client.endpoints
    none = t(language, "vision.status_none")
    worker = await vision.worker_models() if endpoints.vision_url else None
    lines = []
    if endpoints.vision_url and worker is None:
        lines.append(t(language, "vision.status_down"))
    clip = worker.clip if worker else None
    if endpoints.vlm_base_url:
        chat: str | None = endpoints.vlm_model or endpoints.vlm_base_url
    else:
        chat = worker.chat if worker else None
    lines.append(t(language, "vision.status_clip", model=clip or none))
    lines.append(t(language, "vision.status_chat", model=chat or none))
    return "\n".join(lines), chat is not None
