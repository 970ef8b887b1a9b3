"""Pictures for the learner: the weekly chart and the whole plan's progress (`/progress`).

Nothing here imports matplotlib at import time: the drawing functions import it when a picture
is asked for, so the bot's resident memory does not grow until then. Every drawing function
is blocking and thread-safe (a `Figure` on its own Agg canvas, never pyplot): callers run it
with `asyncio.to_thread`.

- `coach.pictures.fonts`: the bundled Noto Sans SC font, registered by file path.
- `coach.pictures.weekly`: the weekly bar chart (`WeeklyChartData`, `draw_weekly`).
- `coach.pictures.progress`: the whole plan in one picture (`ProgressData`, `draw_progress`).
- what they show is gathered by their features: `coach.schedule.chart` (the week) and
  `coach.progress.gather` (`/progress`).
"""
