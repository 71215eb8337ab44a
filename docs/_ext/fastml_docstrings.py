"""Sphinx extension: fastml's plain-text docstrings as reStructuredText.

fastml's docstrings are numpydoc sections around plain prose full of formulas
(``|x|``, ``lr * gamma``) and fitted-attribute names (``labels_``), which
reStructuredText would read as substitutions, emphasis and hyperlink
references. Outside inline literals, roles, doctests and literal blocks those
characters are escaped so the text renders as written. Runs on
``autodoc-process-docstring`` before napoleon turns the numpydoc sections into
reST; the names in the term lines of Parameters/Returns/Attributes/... are left
as written (napoleon handles them).
"""
import re

_PROTECTED = re.compile(r"``.+?``|(?::[\w:+.-]+:)?`[^`]+`_{0,2}")
_TRAILING_UNDERSCORE = re.compile(r"(?<=[A-Za-z0-9])_(?![\w])")
_STAR_OR_PIPE = re.compile(r"(?<!\\)([*|])")
_LITERAL_DIRECTIVES = re.compile(r"^\s*\.\. (code-block|code|sourcecode|math|highlight|"
                                 r"doctest|testcode|testoutput|parsed-literal)::")


def _escape_prose(text):
    out, pos = [], 0
    for m in _PROTECTED.finditer(text):
        out.append(_escape_plain(text[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_escape_plain(text[pos:]))
    return "".join(out)


def _escape_plain(s):
    s = _STAR_OR_PIPE.sub(r"\\\1", s)
    return _TRAILING_UNDERSCORE.sub(r"\\_", s)


def _indent(line):
    return len(line) - len(line.lstrip())


_TERM_SECTIONS = {"parameters", "other parameters", "returns", "yields", "receives",
                  "attributes", "raises", "warns", "see also", "methods"}


def escape_docstring_lines(lines):
    """Escape reST inline markup in the prose lines of a numpydoc docstring
    (run before napoleon). Term lines of the Parameters/Returns/Attributes/...
    sections (``name : type``) keep their names as written."""
    out = []
    literal_indent = None      # inside a literal block opened by "::" at this indent
    pending_literal = None     # a "::" line was seen; the block starts after it
    in_doctest = False
    section = None
    n = len(lines)
    for i, line in enumerate(lines):
        stripped = line.strip()
        if in_doctest:
            if not stripped:
                in_doctest = False
            out.append(line)
            continue
        if literal_indent is not None:
            if not stripped or _indent(line) > literal_indent:
                out.append(line)
                continue
            literal_indent = None
        if pending_literal is not None:
            if not stripped:
                out.append(line)
                continue
            if _indent(line) > pending_literal:
                literal_indent = pending_literal
                pending_literal = None
                out.append(line)
                continue
            pending_literal = None
        nxt = lines[i + 1].strip() if i + 1 < n else ""
        if stripped and len(nxt) >= 3 and set(nxt) == {"-"}:      # section header
            section = stripped.lower()
            out.append(line)
            continue
        if len(stripped) >= 3 and set(stripped) == {"-"}:            # its underline
            out.append(line)
            continue
        if stripped.startswith(">>>"):
            in_doctest = True
            out.append(line)
            continue
        if stripped.startswith(".. "):
            if _LITERAL_DIRECTIVES.match(line):
                pending_literal = _indent(line)
            out.append(line)
            continue
        if section in _TERM_SECTIONS and stripped and _indent(line) == 0:
            name, sep, rest = line.partition(" : ")
            out.append(name + sep + rest.replace("|", "\\|"))
            continue
        if stripped.endswith("::"):
            pending_literal = _indent(line)
        out.append(_escape_prose(line))
    return out


def _process_docstring(app, what, name, obj, options, lines):
    lines[:] = escape_docstring_lines(lines)


def setup(app):
    # before napoleon (priority 500) turns the numpydoc sections into reST
    app.connect("autodoc-process-docstring", _process_docstring, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
