"""Text out of resume files: PDF (pypdf), DOCX (python-docx), TXT, HTML and RTF.

Every failure is a `ParseError` with a reason a person can read; nothing half-read is returned.
"""

import html
import io
import re
import zipfile
from html.parser import HTMLParser

MAX_PAGES = 40
MAX_TEXT_CHARS = 400_000
MAX_DOCX_UNCOMPRESSED = 60 * 1024 * 1024
MAX_ZIP_RATIO = 200
MIN_TEXT_CHARS = 40


class ParseError(Exception):
    """The file cannot be turned into resume text; `reason` says why."""

    def __init__(self, reason: str, code: str = "unreadable"):
        super().__init__(reason)
        self.reason = reason
        self.code = code


def detect_kind(content: bytes, file_name: str = "", mime_type: str = "") -> str:
    name = file_name.lower()
    if content.startswith(b"%PDF") or b"%PDF-" in content[:1024]:
        return "pdf"
    if content.startswith(b"PK\x03\x04"):
        return "docx"
    if content.startswith(b"{\\rtf"):
        return "rtf"
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if name.endswith((".html", ".htm")) or "html" in mime_type:
        return "html"
    head = content[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    if name.endswith(".pdf"):
        return "pdf"
    if name.endswith(".docx"):
        return "docx"
    return "txt"


def extract_text(content: bytes, file_name: str = "", mime_type: str = "") -> tuple[str, str]:
    """(text, kind) of a resume file; raises ParseError."""
    if not content:
        raise ParseError("The file is empty.", "empty")
    kind = detect_kind(content, file_name, mime_type)
    if kind == "pdf":
        text = _pdf_text(content)
    elif kind == "docx":
        text = _docx_text(content)
    elif kind == "rtf":
        text = _rtf_text(_decode(content))
    elif kind == "html":
        text = _html_text(_decode(content))
    elif kind == "doc":
        raise ParseError("Legacy .doc (Word 97-2003) files are not supported; save it as DOCX or PDF.", "unsupported")
    else:
        if b"\x00" in content[:4096] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise ParseError("The file is binary, not a PDF, DOCX or text resume.", "unsupported")
        text = _decode(content)
    text = normalise(text)
    if len(re.sub(r"\W", "", text)) < MIN_TEXT_CHARS:
        if kind == "pdf":
            raise ParseError(
                "The PDF has no extractable text (a scanned image?); text recognition is not available.", "no_text"
            )
        raise ParseError("The file holds too little text to be a resume.", "no_text")
    return text[:MAX_TEXT_CHARS], kind


def normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ").replace("\u200b", "")
    text = text.replace("\uf0b7", "•").replace("\u25cf", "•").replace("\u25aa", "•").replace("\uf0a7", "•")
    lines = [re.sub(r"[ \t\f\v]+", " ", line).strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and out and not out[-1]:
            continue
        out.append(line)
    return "\n".join(out).strip()


def _decode(content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16", errors="replace")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")


def _pdf_text(content: bytes) -> str:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:  # noqa: BLE001 - any crypto failure means we cannot read it
                ok = 0
            if not ok:
                raise ParseError("The PDF is password-protected.", "encrypted")
        pages = reader.pages
        if len(pages) > MAX_PAGES:
            raise ParseError(
                f"The PDF has {len(pages)} pages; resumes over {MAX_PAGES} pages are not parsed.", "too_long"
            )
        parts = []
        total = 0
        for page in pages:
            chunk = page.extract_text() or ""
            total += len(chunk)
            if total > MAX_TEXT_CHARS:
                raise ParseError("The PDF holds more text than a resume can.", "too_long")
            parts.append(chunk)
    except ParseError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError) as exc:
        raise ParseError(f"The PDF is damaged or not a PDF ({type(exc).__name__}).", "broken") from None
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types on hostile files
        raise ParseError(f"The PDF could not be read ({type(exc).__name__}).", "broken") from None
    return "\n".join(parts)


def _check_zip(content: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ParseError("The DOCX file is damaged (not a valid zip archive).", "broken") from None
    total = sum(info.file_size for info in infos)
    if total > MAX_DOCX_UNCOMPRESSED or total > max(len(content), 1) * MAX_ZIP_RATIO:
        raise ParseError("The DOCX file expands to far more data than a resume (a zip bomb?).", "zip_bomb")
    names = {info.filename for info in infos}
    if "word/document.xml" not in names:
        if "EncryptedPackage" in names:
            raise ParseError("The document is password-protected.", "encrypted")
        raise ParseError("The zip file is not a Word (DOCX) document.", "unsupported")
    return archive


def _docx_text(content: bytes) -> str:
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ParseError("The document is password-protected or in the legacy .doc format.", "encrypted")
    _check_zip(content)
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(content))
        lines: list[str] = []

        def walk(container) -> None:
            for block in container.iter_inner_content():
                if isinstance(block, Paragraph):
                    lines.append(block.text)
                elif isinstance(block, Table):
                    for row in block.rows:
                        seen = set()
                        for cell in row.cells:
                            if id(cell._tc) in seen:
                                continue
                            seen.add(id(cell._tc))
                            walk(cell)
                            lines.append("")

        for section in document.sections:
            for paragraph in section.header.paragraphs:
                lines.append(paragraph.text)
        walk(document)
    except ParseError:
        raise
    except Exception as exc:  # noqa: BLE001 - python-docx/lxml raise many types on broken files
        raise ParseError(f"The DOCX file could not be read ({type(exc).__name__}).", "broken") from None
    return "\n".join(lines)


class _HtmlText(HTMLParser):
    BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "header", "ul", "table"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head"):
            self.skip += 1
        if tag in self.BLOCK:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("• ")
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith("http"):
                self.parts.append(f" {href} ")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head") and self.skip:
            self.skip -= 1
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def _html_text(source: str) -> str:
    parser = _HtmlText()
    parser.feed(source)
    return html.unescape("".join(parser.parts))


def _rtf_text(source: str) -> str:
    """A small RTF reader: drops groups of destinations, keeps text, maps \\par to newlines."""
    out: list[str] = []
    stack: list[bool] = []
    skip = False
    token = re.compile(r"\\([a-z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-f]{2})|\\([^a-z])|([{}])|[\r\n]+|(.)", re.I | re.S)
    destinations = {"fonttbl", "colortbl", "stylesheet", "info", "pict", "header", "footer", "object", "themedata"}
    for match in token.finditer(source):
        word, _arg, hexcode, char, brace, text = match.groups()
        if brace == "{":
            stack.append(skip)
        elif brace == "}":
            skip = stack.pop() if stack else False
        elif char:
            if char == "*":
                skip = True
            elif not skip and char in "\\{}":
                out.append(char)
        elif word:
            if word in destinations:
                skip = True
            elif not skip and word in ("par", "line", "row"):
                out.append("\n")
            elif not skip and word == "tab":
                out.append("\t")
        elif hexcode and not skip:
            out.append(bytes([int(hexcode, 16)]).decode("cp1252", errors="replace"))
        elif text and not skip:
            out.append(text)
    return "".join(out)
