"""Fixtures shared by the end-to-end tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.llm_stub import StubLlm


@pytest.fixture
async def llm() -> AsyncIterator[StubLlm]:
    """A local OpenAI-compatible stand-in for the LLM, for one test."""
    stub = StubLlm()
    await stub.start()
    yield stub
    await stub.stop()
