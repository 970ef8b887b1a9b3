"""The ledger of handled updates: an update Telegram delivers again is acted on once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from coach.clock import Clock
from db.repositories import UpdateLedger


class HandledUpdates:
    """Claims update ids in the handler's transaction."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    async def claim(
        self, session: AsyncSession, update_id: int, learner_id: int | None = None
    ) -> bool:
        """Record that this update is being acted on; False for a redelivered one.

        `learner_id` (who sent it) lets the ledger bring the learner's row along, saving the
        handler's lookup a round trip."""
        return await UpdateLedger(session).claim(update_id, self.clock.now(), learner_id)

    async def forget_before(self, session: AsyncSession, cutoff: datetime) -> None:
        """Prune the record of handled updates."""
        await UpdateLedger(session).forget_before(cutoff)
