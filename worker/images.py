"""Turning request bytes into RGB images, refusing what is corrupt or too large."""

from __future__ import annotations

import base64
import binascii
import io
import re
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from worker.errors import BadImage, PayloadTooLarge

_DATA_URL = re.compile(r"^data:(?P<mime>[\w.+-]+/[\w.+-]+)?(?P<params>(;[^;,]*)*?),", re.ASCII)


@dataclass(frozen=True)
class ImageLimits:
    """How big an upload may be: encoded bytes, and decoded pixels (decompression bombs)."""

    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 40_000_000


def decode_base64_image(value: str, limits: ImageLimits) -> bytes:
    """The bytes of a `data:image/…;base64,…` URL or of bare base64 text."""
    text = value.strip()
    if text.startswith(("http://", "https://")):
        raise BadImage("the worker does not fetch URLs; send the image as a base64 data URL")
    if text.startswith("data:"):
        match = _DATA_URL.match(text)
        if match is None or ";base64" not in match.group("params"):
            raise BadImage("an image data URL must look like data:image/png;base64,<data>")
        text = text[match.end() :]
    # Refuse before decoding: base64 is 4 characters for every 3 bytes.
    if len(text) * 3 // 4 > limits.max_bytes + 3:
        raise PayloadTooLarge(_too_many_bytes(limits))
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadImage("the image is not valid base64") from exc
    check_size(data, limits)
    return data


def check_size(data: bytes, limits: ImageLimits) -> None:
    """Refuse an empty or oversized file."""
    if not data:
        raise BadImage("the image is empty")
    if len(data) > limits.max_bytes:
        raise PayloadTooLarge(_too_many_bytes(limits))


def open_image(data: bytes, limits: ImageLimits) -> Image.Image:
    """Decode `data` into an RGB image, upright as the camera held it."""
    check_size(data, limits)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice its limit; ours is stricter.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data))
            width, height = opened.size
            if width * height > limits.max_pixels:
                raise PayloadTooLarge(
                    f"the image has {width}x{height} pixels; at most {limits.max_pixels:,} "
                    "are accepted"
                )
            opened.load()
            return ImageOps.exif_transpose(opened).convert("RGB")
    except PayloadTooLarge:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PayloadTooLarge(f"the image is too large to decode safely ({exc})") from exc
    except UnidentifiedImageError as exc:
        raise BadImage("the file is not an image in a format the worker can read") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise BadImage(f"the image is corrupt or truncated ({exc})") from exc


def _too_many_bytes(limits: ImageLimits) -> str:
    return f"the image is larger than {limits.max_bytes // (1024 * 1024)} MB"
