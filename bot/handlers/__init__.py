"""Handlers: parse the update, make one call into the coach, send the reply."""
