"""Micro-batching: requests that wait together run as one batch on a dedicated thread.

While a batch runs, new requests queue up and form the next one, so an idle worker adds no
delay to a lone request and a busy one fills its batches by itself (the way inference servers
such as infinity batch embeddings). The thread keeps heavy work off the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, TypeVar

from worker.errors import ModelUnavailable

log = logging.getLogger(__name__)

In = TypeVar("In")
Out = TypeVar("Out")

BatchFunction = Callable[[Sequence[In]], Sequence[Out | Exception]]


@dataclass
class BatchStats:
    """Counters for /health: requests served, batches run, the largest batch."""

    requests: int = 0
    batches: int = 0
    largest_batch: int = 0


@dataclass
class _Pending(Generic[In, Out]):
    item: In
    future: asyncio.Future[Out]


class MicroBatcher(Generic[In, Out]):
    """Queue items, run them in batches of at most `max_batch_size` on one worker thread."""

    def __init__(
        self,
        run_batch: BatchFunction[In, Out],
        *,
        max_batch_size: int,
        max_wait_s: float = 0.0,
        name: str = "batch",
    ) -> None:
        self._run_batch = run_batch
        self._max_batch_size = max_batch_size
        self._max_wait_s = max_wait_s
        self._name = name
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._queue: asyncio.Queue[_Pending[In, Out]] | None = None
        self._task: asyncio.Task[None] | None = None
        self.stats = BatchStats()

    def start(self) -> None:
        """Start taking requests (call from the event loop that will submit them)."""
        self._queue = asyncio.Queue()
        self._task = asyncio.create_task(self._serve(), name=f"{self._name}-batcher")

    async def stop(self) -> None:
        """Stop the loop; requests still queued get a 503."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        queue, self._queue = self._queue, None
        while queue is not None and not queue.empty():
            pending = queue.get_nowait()
            if not pending.future.done():
                pending.future.set_exception(ModelUnavailable("the worker is shutting down"))
        # A batch already on the thread finishes there; nobody waits for its result.
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def submit(self, item: In) -> Out:
        """Queue `item` and wait for its result (or its exception)."""
        if self._queue is None:
            raise ModelUnavailable("the worker is not running")
        future: asyncio.Future[Out] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Pending(item, future))
        return await future

    async def _serve(self) -> None:
        queue = self._queue
        assert queue is not None
        loop = asyncio.get_running_loop()
        while True:
            batch = await self._next_batch(queue)
            started = time.perf_counter()
            try:
                results = await loop.run_in_executor(
                    self._executor, self._run_batch, [pending.item for pending in batch]
                )
            except Exception as exc:  # the batch failed as a whole: each caller hears why
                log.exception("%s batch of %d failed", self._name, len(batch))
                results = [exc] * len(batch)
            log.debug(
                "%s batch of %d in %.1f ms",
                self._name,
                len(batch),
                (time.perf_counter() - started) * 1000,
            )
            self.stats.requests += len(batch)
            self.stats.batches += 1
            self.stats.largest_batch = max(self.stats.largest_batch, len(batch))
            for pending, result in zip(batch, results, strict=True):
                if pending.future.done():  # the caller went away
                    continue
                if isinstance(result, Exception):
                    pending.future.set_exception(result)
                else:
                    pending.future.set_result(result)

    async def _next_batch(self, queue: asyncio.Queue[_Pending[In, Out]]) -> list[_Pending[In, Out]]:
        """Wait for one request, then take what else is queued (waiting `max_wait_s` at most)."""
        while True:
            batch = [await queue.get()]
            if self._max_wait_s > 0:
                deadline = asyncio.get_running_loop().time() + self._max_wait_s
                while len(batch) < self._max_batch_size:
                    remaining = deadline - asyncio.get_running_loop().time()
                    if remaining <= 0:
                        break
                    try:
                        batch.append(await asyncio.wait_for(queue.get(), remaining))
                    except TimeoutError:
                        break
            while len(batch) < self._max_batch_size and not queue.empty():
                batch.append(queue.get_nowait())
            live = [pending for pending in batch if not pending.future.done()]
            if live:
                return live
