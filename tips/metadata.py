"""Photo metadata removed from tip attachments (EXIF, GPS, XMP, IPTC, comments, PNG text).

A phone photo carries where and when it was taken and which phone took it: enough to
find a reporter who chose to stay anonymous. The copy staff open by default has none of
it; the file as received is kept too (sealed like every file), for the roles that may see
the reporter, and opening it is logged as a reveal (``tips.service``).

Lossless: the image data is copied byte for byte, only metadata segments are dropped (no
re-encoding, so no quality is lost and nothing in the picture changes). What stays is
what rendering needs: JFIF, ICC colour profile and Adobe colour transform in a JPEG;
palette, transparency, gamma, colour space and pixel size in a PNG. A JPEG rotated by its
EXIF orientation tag shows unrotated without it; the original keeps the tag.
"""

from __future__ import annotations

import logging
import struct

log = logging.getLogger(__name__)

JPEG_SOI = b"\xff\xd8"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# APP0 (JFIF), APP2 (ICC profile), APP14 (Adobe): needed to show the picture right.
_JPEG_KEEP_APP = {0xE0, 0xE2, 0xEE}
_PNG_KEEP = {
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP",
    b"sBIT", b"pHYs", b"bKGD", b"acTL", b"fcTL", b"fdAT",
}  # fmt: skip


class NotAnImage(ValueError):
    """The bytes do not parse as the image type their first bytes claim."""


def strip_metadata(data: bytes) -> bytes:
    """``data`` without metadata when it is a JPEG or PNG; other files are returned as they are.

    A picture that does not parse is returned unchanged (and logged): it was accepted by
    its first bytes, and refusing it would lose evidence; the original is kept either way.
    """
    try:
        if data.startswith(JPEG_SOI):
            return _strip_jpeg(data)
        if data.startswith(PNG_SIGNATURE):
            return _strip_png(data)
    except (NotAnImage, struct.error) as err:
        log.warning("image metadata not removed: %s", err)
    return data


def _strip_jpeg(data: bytes) -> bytes:
    out = [JPEG_SOI]
    at = 2
    while at < len(data):
        if data[at] != 0xFF:
            raise NotAnImage(f"JPEG marker expected at {at}")
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker == 0xD9:  # EOI without a scan
            out.append(data[at : at + 2])
            return b"".join(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # no length
            out.append(data[at : at + 2])
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if length < 2 or at + 2 + length > len(data):
            raise NotAnImage("JPEG segment runs past the end")
        segment = data[at : at + 2 + length]
        at += 2 + length
        if marker == 0xDA:  # start of scan: the rest is image data, copied as it is
            out.append(segment)
            out.append(data[at:])
            return b"".join(out)
        is_app = 0xE0 <= marker <= 0xEF
        if marker == 0xFE or (is_app and marker not in _JPEG_KEEP_APP):
            continue  # comment, EXIF/GPS/XMP (APP1), IPTC (APP13), maker data
        out.append(segment)
    raise NotAnImage("JPEG without image data")


def _strip_png(data: bytes) -> bytes:
    out = [PNG_SIGNATURE]
    at = len(PNG_SIGNATURE)
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        end = at + 12 + length
        if end > len(data):
            raise NotAnImage("PNG chunk runs past the end")
        if kind in _PNG_KEEP:
            out.append(data[at:end])
        at = end
        if kind == b"IEND":
            return b"".join(out)
    raise NotAnImage("PNG without IEND")
