"""Validation and formatting of IANA timezone names."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def parse_timezone(name: str) -> ZoneInfo | None:
    """Return the zone for an IANA name such as `Asia/Shanghai`, or None if it is not one."""
    name = name.strip()
    if not name or name.startswith(("/", ".")) or ".." in name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, IsADirectoryError):
        return None
