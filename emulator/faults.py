"""Injected failures: error replies, slow replies and dropped connections for chosen methods."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Fault:
    """One planned failure, used up after `times` matching calls."""

    method: str | None
    status: int
    retry_after: int | None
    times: int
    delay: float
    description: str | None
    drop: bool

    def matches(self, method: str) -> bool:
        """Whether a call to this method triggers the fault (method names are case-insensitive)."""
        return self.method is None or self.method.lower() == method.lower()


class FaultPlan:
    """Faults in the order they were injected; the first matching one wins."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        """Plan a fault."""
        if fault.times > 0:
            self._faults.append(fault)

    def take(self, method: str) -> Fault | None:
        """The fault to apply to this call, if any, consuming one of its uses."""
        for fault in self._faults:
            if fault.matches(method):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def clear(self) -> None:
        """Forget all planned faults."""
        self._faults.clear()

    def __len__(self) -> int:
        return len(self._faults)
