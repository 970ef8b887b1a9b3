"""The vision worker: CLIP zero-shot ranking and an OpenAI-compatible vision chat, over HTTP.

A separate service with its own heavy dependencies (the `worker` extra: torch, transformers,
FastAPI, uvicorn, Pillow); the bot talks to it over HTTP and never imports it.
Run it with `python -m worker --clip-model … --vlm-model … --port …`.
"""
