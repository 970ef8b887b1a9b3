"""A thin client for any OpenAI-compatible chat API (hosted, Ollama, vLLM, LM Studio).

Every failure becomes an LlmError with a reason the learner can be told about; the caller
falls back to the offline rubric or reply.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    # `openai` is imported on first use (issue 14): the LLM is optional, and the import alone
    # costs about 0.4 s and memory in every bot process.
    from openai import AsyncOpenAI
    from openai.types.chat import ChatCompletionMessageParam

log = logging.getLogger(__name__)

FailureReason = Literal["timeout", "failed", "bad_reply"]
# Local servers (Ollama, vLLM, LM Studio) accept any key; the client insists on one.
PLACEHOLDER_KEY = "not-needed"


class LlmError(Exception):
    """The LLM gave no usable answer; `reason` says why."""

    def __init__(self, reason: FailureReason, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason: FailureReason = reason


class LlmClient:
    """Chat completions with a hard time limit and no retries (the fallback is the retry)."""

    def __init__(self, base_url: str, model: str, api_key: str | None, timeout: float) -> None:
        from openai import AsyncOpenAI

        self.model = model
        self.timeout = timeout
        self._client: AsyncOpenAI = AsyncOpenAI(
            base_url=base_url,
            api_key=api_key or PLACEHOLDER_KEY,
            timeout=timeout,
            max_retries=0,
        )

    async def complete(
        self,
        messages: list[ChatCompletionMessageParam],
        max_tokens: int,
        temperature: float = 0.3,
    ) -> str:
        """The assistant's reply text; raises LlmError on error, timeout or an empty reply."""
        import openai

        try:
            # The client's timeout is per read; this bounds the whole exchange.
            async with asyncio.timeout(self.timeout):
                response = await self._client.chat.completions.create(
                    model=self.model,
                    messages=messages,
                    max_tokens=max_tokens,
                    temperature=temperature,
                )
        except (TimeoutError, openai.APITimeoutError) as error:
            log.warning("the LLM did not answer within %.0f s", self.timeout)
            raise LlmError("timeout") from error
        except openai.OpenAIError as error:
            log.warning("the LLM call failed: %s", error)
            raise LlmError("failed", type(error).__name__) from error
        choices = response.choices or []
        content = choices[0].message.content if choices else None
        if not content or not content.strip():
            raise LlmError("bad_reply", "empty reply")
        return content.strip()

    async def close(self) -> None:
        """Close the HTTP connections."""
        await self._client.close()
