"""QR code images as bytes, and the bilingual words printed around them.

A session's QR carries only its check-in URL (``/c/<code>``); a participant's
card carries only the card URL (``/p/<card code>``): no QR carries personal data.
"""

import io

import qrcode
from markupsafe import Markup
from qrcode.constants import ERROR_CORRECT_M

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


# Any of the eight mask patterns is valid and read by every decoder; trying all
# eight to pick the "best" one tripled the time of each code (the check-in
# confirmation draws one for every participant).
MASK_PATTERN = 2


def qr_code(text: str, border: int = 4) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=border, mask_pattern=MASK_PATTERN)
    code.add_data(text)
    code.make(fit=True)
    return code


def qr_svg(text: str, border: int = 4) -> bytes:
    """An SVG image of a QR code for ``text``; scales to any size (viewBox).

    One path with a rectangle per horizontal run of dark modules: a third of the
    size of a square per module, and drawn without an image library.
    """
    code = qr_code(text, border)
    size = code.modules_count + 2 * border
    runs = []
    for y, row in enumerate(code.modules):
        x, width = 0, len(row)
        while x < width:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < width and row[x]:
                x += 1
            runs.append(f"M{start + border},{y + border}h{x - start}v1h-{x - start}z")
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        f'<svg width="{size}mm" height="{size}mm" version="1.1" viewBox="0 0 {size} {size}" '
        f'xmlns="http://www.w3.org/2000/svg"><path d="{"".join(runs)}" fill="#000000" /></svg>'
    ).encode()


def qr_png(text: str, box_size: int = 10, border: int = 4) -> bytes:
    """A PNG image of a QR code for ``text``."""
    code = qr_code(text, border)
    code.box_size = box_size
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


def inline_svg(text: str, label: str = "") -> Markup:
    """The QR's SVG for embedding in a page (no XML declaration, fixed size removed)."""
    svg = qr_svg(text).decode()
    svg = svg[svg.index("<svg"):]
    head, rest = svg.split(">", 1)
    head = " ".join(part for part in head.split(" ") if not part.startswith(("width=", "height=")))
    role = f' role="img" aria-label="{Markup.escape(label)}"' if label else ' aria-hidden="true"'
    return Markup(f'{head} class="qr"{role}>{rest}')
