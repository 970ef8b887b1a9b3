# The vision worker (`python -m worker`): FastAPI + torch + transformers, the `worker` extra.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HOME=/models

# CPU wheels by default; on a CUDA host build with
#   --build-arg TORCH_INDEX_URL=https://download.pytorch.org/whl/cu124
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY coach ./coach
COPY db ./db
COPY jobs ./jobs
COPY emulator ./emulator
COPY worker ./worker
RUN pip install --index-url "${TORCH_INDEX_URL}" "torch>=2.4,<2.14" \
    && pip install ".[worker]" \
    && rm -rf /root/.cache

RUN useradd --system --uid 10001 --home-dir /app coach \
    && mkdir -p /models && chown coach /models
USER coach
EXPOSE 8000
CMD ["python", "-m", "worker", "--host", "0.0.0.0", "--port", "8000"]
