"""The encoding a browser reads a page in, found as the HTML standard finds it: by reading bytes,
not the page's tree ("prescan a byte stream to determine its encoding"). Parsing only.

A page that names its encoding inside a title, a comment or an attribute names none: the prescan
skips those. One that names it in a <meta> inside an SVG's CDATA names it: the prescan sees a tag.
"""

from __future__ import annotations

import re

# Labels of UTF-8 (the Encoding Standard), and those a <meta> may give that the standard reads as
# UTF-8 all the same (a page that is really UTF-16 has a byte order mark instead).
UTF8_LABELS = {"unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8",
               "utf-16", "utf-16be", "utf-16le", "csunicode", "iso-10646-ucs-2", "ucs-2", "unicode",
               "unicodefeff", "unicodefffe"}
SPACE = b"\t\n\x0c\r "
XML_ENCODING = re.compile(rb"""^<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']""")
CONTENT_CHARSET = re.compile(r"""charset[\t\n\x0c\r ]*=[\t\n\x0c\r ]*(?:"([^"]*)"|'([^']*)'|([^\t\n\x0c\r ;"']+))""",
                             re.I)


# The first encoding the page declares in what starts before `limit`, as (label in lower case,
# offset of what declares it), or None. An XML declaration at the very start counts first, as
# browsers read it in HTML too.
def first_declaration(data: bytes, limit: int | None = None) -> tuple[str, int] | None:
    xml = XML_ENCODING.match(data)
    if xml:
        return xml[1].decode("latin-1").strip().lower(), 0
    position, end = 0, len(data) if limit is None else min(limit, len(data))
    while position < end:
        if data.startswith(b"<!--", position):
            close = data.find(b"-->", position + 2)
            position = close + 3 if close >= 0 else len(data)
        elif data[position:position + 5].lower() == b"<meta" and data[position + 5:position + 6] in (
                *(bytes([b]) for b in SPACE), b"/"):
            label, after = _meta(data, position + 6)
            if label is not None:
                return label, position
            position = after
        elif data[position:position + 1] == b"<" and (data[position + 1:position + 2].isalpha() or (
                data[position + 1:position + 2] == b"/" and data[position + 2:position + 3].isalpha())):
            position = _skip_tag(data, position)
        elif data[position:position + 2] in (b"<!", b"</", b"<?"):
            close = data.find(b">", position + 2)
            position = close + 1 if close >= 0 else len(data)
        else:
            position += 1
    return None


# A <meta>'s attributes from `position`: the charset it declares (None: none) and where it ends.
def _meta(data: bytes, position: int) -> tuple[str | None, int]:
    seen, pragma, need_pragma, charset = set(), False, None, None
    while True:
        attribute, position = _attribute(data, position)
        if attribute is None:
            break
        name, value = attribute
        if name in seen:
            continue
        seen.add(name)
        if name == "http-equiv" and value.lower() == "content-type":
            pragma = True
        elif name == "content" and charset is None:
            found = CONTENT_CHARSET.search(value)
            if found:
                charset, need_pragma = next(group for group in found.groups() if group is not None), True
        elif name == "charset":
            charset, need_pragma = value, False
    if need_pragma is None or (need_pragma and not pragma) or charset is None:
        return None, position
    return charset.strip().lower(), position


# One attribute of a tag from `position` ("get an attribute"): ((name, value) or None, next position).
def _attribute(data: bytes, position: int) -> tuple[tuple[str, str] | None, int]:
    end = len(data)
    while position < end and (data[position] in SPACE or data[position] == 0x2F):
        position += 1
    if position >= end or data[position] == 0x3E:
        return None, position
    name = bytearray()
    while position < end:
        byte = data[position]
        if byte == 0x3D and name:
            position += 1
            break
        if byte in SPACE:
            while position < end and data[position] in SPACE:
                position += 1
            if position < end and data[position] == 0x3D:
                position += 1
                break
            return (name.decode("latin-1").lower(), ""), position
        if byte in (0x2F, 0x3E):
            return (name.decode("latin-1").lower(), ""), position
        name.append(byte)
        position += 1
    while position < end and data[position] in SPACE:
        position += 1
    value = bytearray()
    if position < end and data[position] in (0x22, 0x27):
        quote = data[position]
        close = data.find(bytes([quote]), position + 1)
        if close < 0:
            return None, end
        value, position = bytearray(data[position + 1:close]), close + 1
    else:
        while position < end and data[position] not in SPACE and data[position] != 0x3E:
            value.append(data[position])
            position += 1
    return (name.decode("latin-1").lower(), value.decode("latin-1")), position


# Past a tag that is no <meta>, and its attributes.
def _skip_tag(data: bytes, position: int) -> int:
    while position < len(data) and data[position] not in SPACE and data[position] != 0x3E:
        position += 1
    while True:
        attribute, position = _attribute(data, position)
        if attribute is None:
            return position + 1
