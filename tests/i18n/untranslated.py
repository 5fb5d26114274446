"""Finders of user-facing text written outside a translation call.

Used by test_catalogues.py; each finder returns readable findings
("path:line: text") so that a failing check says what to wrap.
See docs/i18n.md for what is checked and why.
"""

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

from jinja2 import Environment, nodes

PACKAGE = Path(__file__).resolve().parents[2] / "training_portal"

TRANSLATION_CALLS = {
    "_", "_l", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext", "_n", "pgettext", "lazy_pgettext",
}
LETTER = re.compile(r"[^\W\d_]")
PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{[A-Za-z_0-9.]*\}")

# Texts that read the same in both languages, each with its reason.
ALLOWED_TEXTS = {
    "ខ្មែរ": "a language's name written in that language (the language switch, the event language choice)",
    "English": "a language's name written in that language (the language switch, the event language choice)",
}

# Attributes a person reads (or hears from a screen reader).
READ_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt", "data-label", "label", "aria-description"}
BUTTON_INPUT_TYPES = {"submit", "button", "reset"}
SKIPPED_ELEMENTS = {"script", "style", "code", "pre"}
# In the HTML scan a Jinja tag becomes MARK_OPEN MARK_CLOSE, and the n-th {{ expression }}
# MARK_OPEN n MARK_CLOSE, so that an expression printed as text can be checked too.
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"
MARKS = re.compile("\ue000(\\d*)\ue001")


def has_words(text: str) -> bool:
    """True when a text, without placeholders and Jinja parts, still contains a letter."""
    text = PLACEHOLDER.sub("", MARKS.sub(" ", text)).strip()
    return bool(LETTER.search(text)) and text not in ALLOWED_TEXTS


def readable(text: str) -> str:
    return " ".join(MARKS.sub("{{…}}", text).split())


def templates() -> list[Path]:
    return sorted(path for path in PACKAGE.glob("**/templates/**/*.html"))


def relative(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


# --- templates ---------------------------------------------------------------

def html_with_marks(env: Environment, source: str) -> tuple[str, list[tuple[int, str]]]:
    """The template's HTML with Jinja replaced by marks, and the (line, source) of each {{ expression }}.

    The content of a block named like ``body_class`` is a CSS class, not text, and is left out.
    """
    parts, expressions = [], []
    expression = tag = None
    in_class_block = False
    for line, kind, value in env.lex(source):
        if kind == "data":
            if not in_class_block:
                parts.append(value)
        elif kind == "variable_begin":
            expression = [line, ""]
        elif kind == "variable_end":
            parts.append(f"{MARK_OPEN}{len(expressions)}{MARK_CLOSE}")
            expressions.append((expression[0], expression[1]))
            expression = None
        elif kind == "block_begin":
            parts.append(MARK_OPEN + MARK_CLOSE)
            tag = ""
        elif kind == "block_end":
            words = tag.split()
            if words[:1] == ["block"] and len(words) > 1 and words[1].endswith("class"):
                in_class_block = True
            elif words[:1] == ["endblock"]:
                in_class_block = False
            tag = None
        elif expression is not None:
            expression[1] += value
        elif tag is not None:
            tag += value
    return "".join(parts), expressions


class TextFinder(HTMLParser):
    """Collects (line, text) of text nodes and read attributes that hold words,
    and the numbers of the expressions printed in them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.printed: set[int] = set()
        self.skipping: list[str] = []

    def read(self, text: str, shown: str) -> None:
        self.printed.update(int(number) for number in MARKS.findall(text) if number)
        if has_words(text):
            self.found.append((self.getpos()[0], shown))

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_ELEMENTS:
            self.skipping.append(tag)
        values = dict(attrs)
        for name, value in attrs:
            read = name in READ_ATTRIBUTES or (
                name == "value" and (tag == "button" or (tag == "input" and values.get("type") in BUTTON_INPUT_TYPES))
            )
            if read and value:
                self.read(value, f'{name}="{readable(value)}"')

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in SKIPPED_ELEMENTS:
            self.skipping.pop()

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.read(data, readable(data))


def printed_constants(node: nodes.Node):
    """String constants that an output expression prints as they are.

    Follows only what reaches the page unchanged (conditional branches, ``or``,
    ``~`` concatenation); arguments of calls and filters are not printed text.
    """
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        yield node
    elif isinstance(node, nodes.CondExpr):
        yield from printed_constants(node.expr1)
        if node.expr2 is not None:
            yield from printed_constants(node.expr2)
    elif isinstance(node, (nodes.Or, nodes.And, nodes.Concat)):
        for child in (node.nodes if isinstance(node, nodes.Concat) else (node.left, node.right)):
            yield from printed_constants(child)


def template_source_findings(source: str, name: str) -> list[str]:
    """Untranslated texts of one template's source: text nodes, read attributes, and
    string constants printed by {{ expressions }} that stand in text or read attributes."""
    env = Environment(extensions=["jinja2.ext.i18n"])
    html, expressions = html_with_marks(env, source)
    finder = TextFinder()
    finder.feed(html)
    finder.close()
    findings = [f"{name}:{line}: {text}" for line, text in finder.found]
    for number in sorted(finder.printed):
        line, expression = expressions[number]
        for output in env.parse("{{" + expression + "}}").find_all(nodes.Output):
            for node in output.nodes:
                for constant in printed_constants(node):
                    if has_words(constant.value):
                        findings.append(f"{name}:{line}: '{constant.value}' printed untranslated")
    return findings


def template_findings() -> list[str]:
    findings = []
    for path in templates():
        findings += template_source_findings(path.read_text(encoding="utf-8"), relative(path))
    return findings


# --- Python ------------------------------------------------------------------

def python_modules() -> list[Path]:
    return sorted(PACKAGE.glob("**/*.py"))


def call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def untranslated_parts(node: ast.AST | None):
    """The literal texts with words in an expression that reaches a person, unless wrapped."""
    if node is None:
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        if has_words(node.value):
            yield node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(part.value for part in node.values if isinstance(part, ast.Constant))
        if has_words(text):
            yield "f-string: " + text
    elif isinstance(node, ast.IfExp):
        yield from untranslated_parts(node.body)
        yield from untranslated_parts(node.orelse)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from untranslated_parts(value)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        yield from untranslated_parts(node.left)
        if isinstance(node.op, ast.Add):
            yield from untranslated_parts(node.right)
    elif isinstance(node, ast.Call) and call_name(node) == "str" and node.args:
        yield from untranslated_parts(node.args[0])


def keyword(call: ast.Call, name: str) -> ast.AST | None:
    return next((kw.value for kw in call.keywords if kw.arg == name), None)


def first_argument(call: ast.Call, name: str | None = None) -> ast.AST | None:
    if call.args and not isinstance(call.args[0], ast.Starred):
        return call.args[0]
    return keyword(call, name) if name else None


def user_facing_expressions(tree: ast.AST):
    """(node, what) for every expression of a module that a person reads.

    - ``flash(text)``, ``ValidationError(text)``, ``StopValidation(text)``, ``abort(code, text)``
    - a WTForms field's label (first argument or ``label=``) and ``description=``
    - ``message=`` of any call (validators)
    - the labels of literal ``choices=[(value, label), ...]``
    - the values of module-level dicts named ``*_LABELS``, ``*_MESSAGES``, ``*_PROBLEMS``, ``*_TITLES``
    - the argument of a translation call must itself be a literal (no f-string, no ``%`` or ``+``)
    """
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = call_name(node)
            if name == "flash":
                yield first_argument(node, "message"), "flash()"
            elif name in ("ValidationError", "StopValidation"):
                yield first_argument(node, "message"), f"{name}()"
            elif name == "abort":
                yield (node.args[1] if len(node.args) > 1 else keyword(node, "description")), "abort()"
            elif name.endswith("Field") and name[:1].isupper():
                yield first_argument(node, "label"), f"{name} label"
                yield keyword(node, "description"), f"{name} description"
            elif name in TRANSLATION_CALLS and node.args and isinstance(node.args[0], (ast.JoinedStr, ast.BinOp)):
                yield node.args[0], f"{name}() of a built string (extraction cannot see it)"
            message = keyword(node, "message")
            if message is not None and name not in ("flash", "ValidationError", "StopValidation"):
                yield message, f"{name}(message=)"
            choices = keyword(node, "choices")
            if isinstance(choices, (ast.List, ast.Tuple)):
                for choice in choices.elts:
                    if isinstance(choice, ast.Tuple) and len(choice.elts) == 2:
                        yield choice.elts[1], "choice label"
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
            names = [target.id for target in node.targets if isinstance(target, ast.Name)]
            if any(n.endswith(("_LABELS", "_MESSAGES", "_PROBLEMS", "_TITLES")) for n in names):
                for value in node.value.values:
                    yield value, f"{names[0]} value"
        elif isinstance(node, ast.Assign) and isinstance(node.value, (ast.List, ast.Tuple)):
            names = [target.id for target in node.targets if isinstance(target, ast.Name)]
            if any(n.endswith("_CHOICES") for n in names):
                for choice in node.value.elts:
                    if isinstance(choice, ast.Tuple) and len(choice.elts) == 2:
                        yield choice.elts[1], f"{names[0]} label"


def python_source_findings(source: str, name: str) -> list[str]:
    """Untranslated user-facing texts of one module's source."""
    findings = []
    for expression, what in user_facing_expressions(ast.parse(source, filename=name)):
        for text in untranslated_parts(expression):
            findings.append(f"{name}:{expression.lineno}: {what}: {text!r}")
    return findings


def python_findings() -> list[str]:
    findings = []
    for path in python_modules():
        findings += python_source_findings(path.read_text(encoding="utf-8"), relative(path))
    return findings
