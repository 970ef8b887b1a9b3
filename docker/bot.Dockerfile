# The bot (and the one-shot migration): python-telegram-bot, SQLAlchemy, asyncpg. No torch.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Noto CJK for the charts: the wheel pylopdf-fonts-zh-cn already ships Noto Sans SC, and
# coach/pictures/fonts.py falls back to this one if that wheel is ever left out.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY coach ./coach
COPY db ./db
COPY jobs ./jobs
COPY emulator ./emulator
# The base dependencies only: the heavy model stack lives in the worker image.
RUN pip install . && rm -rf /root/.cache

RUN useradd --system --uid 10001 --home-dir /app coach
USER coach
# Webhook mode listens here (TELEGRAM_WEBHOOK_PORT); polling needs no port.
EXPOSE 8080
CMD ["python", "-m", "bot"]
