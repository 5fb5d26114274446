"""QR code images as bytes, and the bilingual words printed around them.

A session's QR carries only its check-in URL (``/c/<code>``); a participant's
card carries only the card URL (``/p/<card code>``): no QR carries personal data.
"""

import functools
import io

import zxingcpp
from markupsafe import Markup
from PIL import Image

# The poster is read by everyone in the room, so it says everything in both languages.
POSTER_WORDS = {
    "heading": ("Check in with your phone", "ចុះឈ្មោះចូលរួមដោយប្រើទូរស័ព្ទរបស់អ្នក"),
    "step_scan": ("Open your phone's camera and point it at this QR code.",
                  "បើកកាមេរ៉ាទូរស័ព្ទរបស់អ្នក ហើយតម្រង់ទៅកូដ QR នេះ។"),
    "step_form": ("Tap the link, fill in the short form and press Check in.",
                  "ចុចលើតំណភ្ជាប់ បំពេញទម្រង់ខ្លី ហើយចុច ចុះឈ្មោះ។"),
    "no_camera": ("No camera? Open this address and type the code:",
                  "គ្មានកាមេរ៉ា? បើកអាសយដ្ឋាននេះ ហើយវាយលេខកូដ៖"),
    "no_phone": ("No phone? Ask the trainer: they will check you in.",
                 "គ្មានទូរស័ព្ទ? សូមសួរគ្រូបណ្តុះបណ្តាល ពួកគេនឹងចុះឈ្មោះឱ្យអ្នក។"),
}


DARK, LIGHT = b"\x00", b"\xff"  # one byte per module in zxing-cpp's bitmap


def qr_modules(text: str) -> tuple[int, bytes]:
    """The QR code for ``text`` (error correction M, the smallest version that fits):
    its width in modules and one byte per module, row by row, 0 for a dark module.

    zxing-cpp's encoder (C++) draws a personal card's code in about 0.05 ms; the pure-Python
    encoder used before took 0.7-3 ms, a tenth of a whole check-in.
    """
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = barcode.to_image(scale=1, add_quiet_zones=False)
    view = memoryview(image)
    return view.shape[1], view.tobytes()


def qr_svg(text: str, border: int = 4) -> bytes:
    """An SVG image of a QR code for ``text``; scales to any size (viewBox).

    One path, stroked one module wide along the middle of each row: a line over each dark module
    ("h1"), a move over each light one. ``str.translate`` writes the whole path in one call: writing
    a rectangle per run of dark modules took three times as long, and the path gzips to half the size.
    """
    width, modules = qr_modules(text)
    size = width + 2 * border
    rows = b"\n".join(modules[y * width:(y + 1) * width] for y in range(width))
    path = f"M{border} {border + 0.5}" + rows.decode("latin-1").translate(path_steps(width))
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        f'<svg width="{size}mm" height="{size}mm" version="1.1" viewBox="0 0 {size} {size}" '
        f'xmlns="http://www.w3.org/2000/svg"><path d="{path}" fill="none" stroke="#000000" stroke-width="1" /></svg>'
    ).encode()


@functools.cache
def path_steps(width: int) -> dict[int, str]:
    """What each module of a row adds to the path, and the step from a row's end to the next row."""
    return {DARK[0]: "h1", LIGHT[0]: "m1 0", ord("\n"): f"m-{width} 1"}


def qr_image(text: str, box_size: int = 10, border: int = 4) -> Image.Image:
    """A greyscale image of a QR code for ``text``: ``box_size`` pixels per module, a quiet zone of ``border`` modules."""
    width, modules = qr_modules(text)
    code = Image.frombytes("L", (width, width), modules)
    framed = Image.new("L", (width + 2 * border, width + 2 * border), 255)
    framed.paste(code, (border, border))
    return framed.resize((framed.width * box_size, framed.height * box_size), Image.Resampling.NEAREST)


def qr_png(text: str, box_size: int = 10, border: int = 4) -> bytes:
    """A PNG image of a QR code for ``text``."""
    buffer = io.BytesIO()
    qr_image(text, box_size, border).convert("1").save(buffer, format="PNG")
    return buffer.getvalue()


def inline_svg(text: str, label: str = "") -> Markup:
    """The QR's SVG for embedding in a page (no XML declaration, fixed size removed)."""
    svg = qr_svg(text).decode()
    svg = svg[svg.index("<svg"):]
    head, rest = svg.split(">", 1)
    head = " ".join(part for part in head.split(" ") if not part.startswith(("width=", "height=")))
    role = f' role="img" aria-label="{Markup.escape(label)}"' if label else ' aria-hidden="true"'
    return Markup(f'{head} class="qr"{role}>{rest}')
