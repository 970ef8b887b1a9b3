"""Labels drawn into the weekly chart image.

The chart is always drawn in English (matplotlib's bundled font has no CJK glyphs, see
coach.schedule.weekly_chart), so both catalogs hold the same English text.
"""

from __future__ import annotations

from typing import Final

EN: Final[dict[str, str]] = {
    "chart.axis": "minutes of focus",
    "chart.bar": "{minutes} min\n{blocks:one=# block|other=# blocks}",
    "chart.title": "Week {week}  ({first} to {last})  {minutes} min in "
    "{blocks:one=# block|other=# blocks}",
}
ZH: Final[dict[str, str]] = dict(EN)
