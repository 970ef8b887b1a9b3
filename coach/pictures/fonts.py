"""The font every picture is drawn in: Noto Sans SC, shipped with the install.

The font file comes from the `pylopdf-fonts-zh-cn` wheel (Noto Sans SC Regular, SIL Open Font
License 1.1, from notofonts/noto-cjk), so it is found with no network and no system fonts; it
draws Chinese and Latin alike. Docker images also carry Debian's `fonts-noto-cjk`, used only if
the wheel is missing. The font is registered with matplotlib's font manager by file path, and
every text artist names its family, so matplotlib never falls back to DejaVu Sans (which has no
CJK glyphs and would draw tofu).
"""

from __future__ import annotations

import importlib.util
import threading
from functools import lru_cache
from pathlib import Path

_PACKAGE = "pylopdf_fonts_zh_cn"
_FILE = "NotoSansSC-Regular.otf"
# Debian's fonts-noto-cjk (the Docker images install it).
_SYSTEM_FALLBACK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
_register_lock = threading.Lock()


class FontMissing(RuntimeError):
    """Neither the bundled font nor Debian's Noto CJK is installed."""


@lru_cache(maxsize=1)
def font_path() -> Path:
    """The font file: the wheel's Noto Sans SC, else Debian's Noto Sans CJK."""
    # find_spec locates the package without importing anything heavy.
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is not None and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            candidate = Path(folder) / _FILE
            if candidate.is_file():
                return candidate
    if _SYSTEM_FALLBACK.is_file():
        return _SYSTEM_FALLBACK
    raise FontMissing(f"install pylopdf-fonts-zh-cn (or fonts-noto-cjk) for {_FILE}")


_family: str | None = None


def font_family() -> str:
    """Register the font with matplotlib (once, thread-safe) and return its family name."""
    global _family
    if _family is not None:
        return _family
    with _register_lock:
        if _family is None:
            from matplotlib import font_manager

            path = font_path()
            font_manager.fontManager.addfont(str(path))
            # Debian's file is a collection (JP, KR, SC, TC, HK); the SC face draws the
            # simplified forms a Chinese learner reads. The wheel's file has one face.
            names = [
                entry.name for entry in font_manager.fontManager.ttflist if entry.fname == str(path)
            ]
            simplified = [name for name in names if name.endswith(" SC")]
            _family = (simplified or names)[0]
    return _family


@lru_cache(maxsize=1)
def covered() -> frozenset[int]:
    """Every code point the font has a glyph for."""
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(str(font_path())).get_charmap())


def drawable(text: str) -> str:
    """`text` without the characters the font cannot draw (emoji, rare symbols).

    Topics and recaps are the learner's own words; a character the font lacks would be drawn
    as an empty box, so it is left out instead (an emoji says nothing in a chart).
    """
    cmap = covered()
    kept = "".join(ch for ch in text if ord(ch) in cmap or ch == "\n")
    return " ".join(kept.split(" ")).strip()
