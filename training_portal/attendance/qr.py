"""QR code images as bytes, and the bilingual words printed around them.

A session's QR carries only its check-in URL (``/c/<code>``); a participant's
card carries only the card URL (``/p/<card code>``): no QR carries personal data.
"""

import io
from xml.etree import ElementTree

import qrcode
from markupsafe import Markup
from PIL import Image
from qrcode.image.svg import SvgPathImage

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


def qr_code(text: str, border: int = 4, **options) -> qrcode.QRCode:
    """The QR code for ``text``: error correction M, the smallest version that fits, a quiet zone of
    ``border`` modules, and mask pattern 0. Every mask is valid and every reader decodes it; trying all
    eight for the best score takes twice as long, on every check-in's confirmation."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=border, mask_pattern=0,
                         **options)
    code.add_data(text)
    code.make(fit=True)
    return code


def svg_element(text: str, border: int = 4) -> ElementTree.Element:
    """The ``<svg>`` element of a QR code for ``text``: one path, sized in mm, scaling to any size (viewBox)."""
    image = qr_code(text, border, image_factory=SvgPathImage).make_image()
    del image.path.attrib["id"]  # a page may show several codes, and ids must be unique
    return image.get_image()


def qr_svg(text: str, border: int = 4) -> bytes:
    """An SVG image of a QR code for ``text``."""
    return ElementTree.tostring(svg_element(text, border), encoding="utf-8", xml_declaration=True)


def qr_image(text: str, box_size: int = 10, border: int = 4) -> Image.Image:
    """A black-and-white image of a QR code for ``text``: ``box_size`` pixels per module."""
    return qr_code(text, border, box_size=box_size).make_image().get_image()


def qr_png(text: str, box_size: int = 10, border: int = 4) -> bytes:
    """A PNG image of a QR code for ``text``."""
    buffer = io.BytesIO()
    qr_image(text, box_size, border).save(buffer, format="PNG")
    return buffer.getvalue()


def inline_svg(text: str, label: str = "") -> Markup:
    """The QR's SVG for embedding in a page: it fills its box (no fixed size), and is named for screen
    readers by ``label`` (hidden from them without one)."""
    svg = svg_element(text)
    del svg.attrib["width"], svg.attrib["height"]
    svg.set("class", "qr")
    if label:
        svg.set("role", "img")
        svg.set("aria-label", str(label))
    else:
        svg.set("aria-hidden", "true")
    return Markup(ElementTree.tostring(svg, encoding="unicode"))
