"""Steps of the attendance tests: a phone's check-in form, row counts, and QR codes read like a scanner."""

import re

from sqlalchemy import func, select

from tests.factories import group_id, reference
from training_portal.attendance.models import Attendance, Participant
from training_portal.events.models import Province
from training_portal.extensions import db

KEY_PATTERN = re.compile(r'name="key"[^>]*value="([^"]+)"')
CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def form_values(page: str) -> tuple[str, str]:
    """The CSRF token and the idempotency key of the first check-in form on a page."""
    return CSRF_PATTERN.search(page).group(1), KEY_PATTERN.search(page).group(1)


def self_checkin(client, code: str, **fields):
    """Open /c/<code> and send the new-participant form like a phone would."""
    if "key" in fields and "csrf_token" in fields:
        csrf, key = fields["csrf_token"], fields["key"]
    else:
        csrf, key = form_values(client.get(f"/c/{code}").get_data(as_text=True))
    data = {"csrf_token": csrf, "key": key, "kind": "new", "name": "Sokha", "sex": "female", "age_band": "25_34",
            "target_group_id": str(group_id("taxi_driver")), "province_id": str(reference(Province, "phnom_penh").id),
            "phone": "", "consent": "y"}
    data.update(fields)
    return client.post(f"/c/{code}", data=data)


def attendance_count(session=None) -> int:
    query = select(func.count()).select_from(Attendance)
    if session is not None:
        query = query.where(Attendance.session_id == session.id)
    return db.session.scalar(query)


def participant_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Participant))


def decoded_png(data: bytes) -> list[str]:
    """The texts of the QR codes in a PNG image, as a phone's scanner reads them."""
    import io

    import zxingcpp
    from PIL import Image

    return [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(data)).convert("L"))]


def decoded_svg(svg: bytes | str, scale: int = 8) -> list[str]:
    """The texts of the QR code drawn by an SVG of ours, painted pixel by pixel: its one path is a square
    per dark module (M x,y H x V y H x z)."""
    import re

    import zxingcpp
    from PIL import Image, ImageDraw

    text = svg.decode() if isinstance(svg, bytes) else svg
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', text).group(1))
    image = Image.new("L", (size * scale, size * scale), 255)
    draw = ImageDraw.Draw(image)
    path = re.search(r' d="([^"]*)"', text).group(1)
    for left, top, right, bottom in re.findall(r"M(\d+),(\d+)H(\d+)V(\d+)H\d+z", path):
        draw.rectangle([int(left) * scale, int(top) * scale, int(right) * scale - 1, int(bottom) * scale - 1], fill=0)
    return [found.text for found in zxingcpp.read_barcodes(image)]
