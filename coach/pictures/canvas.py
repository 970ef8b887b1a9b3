"""What every picture shares: a phone-sized figure at 2× DPI, the font, the PNG.

Only the functions here import matplotlib, and only when called. A `Figure` on its own Agg
canvas shares no state with other threads (pyplot's global figure registry is never used), so
pictures may be drawn in `asyncio.to_thread` workers concurrently.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from coach.pictures.fonts import font_family

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# A phone shows a photo about 360–430 points wide; 5.4 inches at 100 DPI is 540 points, drawn
# at 2× (200 DPI, 1080 pixels wide) so text stays sharp on a high-density screen.
WIDTH_INCHES = 5.4
BASE_DPI = 100
SCALE = 2
DPI = BASE_DPI * SCALE

INK = "#24292F"
MUTED = "#57606A"
GRID = "#D0D7DE"


@dataclass(frozen=True)
class Picture:
    """A drawn PNG, every text drawn into it, and the font files those texts were set in."""

    png: bytes
    texts: tuple[str, ...]
    font_files: frozenset[str] = frozenset()


def new_figure(height_inches: float) -> tuple[Figure, str]:
    """A blank figure on an Agg canvas, and the font family to name in every text."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    family = font_family()
    figure = Figure(figsize=(WIDTH_INCHES, height_inches), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    return figure, family


def finish(figure: Figure, metadata: dict[str, str] | None = None) -> Picture:
    """Render to PNG (with `metadata` as PNG text chunks) and list the drawn texts."""
    from matplotlib.font_manager import findfont
    from matplotlib.text import Text

    buffer = io.BytesIO()
    # zlib level 1: Telegram recompresses photos anyway, and level 6 costs ~100 ms more.
    figure.savefig(
        buffer,
        format="png",
        dpi=DPI,
        metadata=metadata or {},
        pil_kwargs={"compress_level": 1},
    )
    drawn = [
        text
        for text in figure.findobj(Text)
        if isinstance(text, Text) and text.get_visible() and text.get_text()
    ]
    fonts = frozenset(
        # matplotlib 3.11 returns a FontPath (a str with a face index); keep the path.
        str(findfont(text.get_fontproperties(), fallback_to_default=False))
        for text in drawn
    )
    return Picture(buffer.getvalue(), tuple(text.get_text() for text in drawn), fonts)


def style_axes(axes: object, family: str) -> None:
    """Quiet spines and ticks in the picture's font."""
    from matplotlib.axes import Axes

    assert isinstance(axes, Axes)
    axes.spines[["top", "right"]].set_visible(False)
    axes.spines[["left", "bottom"]].set_color(GRID)
    axes.tick_params(colors=MUTED, labelcolor=INK, labelfontfamily=family, labelsize=8.5)
