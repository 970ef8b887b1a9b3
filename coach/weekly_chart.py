"""The weekly bar chart; it now lives in `coach.pictures.weekly` (localised, with the standard,
today, pauses and topics). Kept so `bot/weekly.py` and the tests importing it keep working."""

from __future__ import annotations

from coach.pictures.weekly import CHART_METADATA_KEY, WeeklyChart, draw_weekly_chart

__all__ = ["CHART_METADATA_KEY", "WeeklyChart", "draw_weekly_chart"]
