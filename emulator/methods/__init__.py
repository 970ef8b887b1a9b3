"""Bot API method implementations; importing this package registers them all."""

from emulator.methods import editing, sending, service
from emulator.methods.registry import HANDLERS, Call, Handler

__all__ = ["HANDLERS", "Call", "Handler", "editing", "sending", "service"]
