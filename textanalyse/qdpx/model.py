"""The parts of a REFI-QDA project that textanalyse writes and reads, as plain data.

The writer (:mod:`textanalyse.qdpx.write`) turns a :class:`Project` into ``project.qde`` and
``sources/<guid>.txt``; the reader (:mod:`textanalyse.qdpx.read`) turns any tool's ``.qdpx``
back into one. Texts are held with LF line endings and positions count code points in them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

VARIABLE_TYPES = ("Text", "Boolean", "Integer", "Float", "Date", "DateTime")


@dataclass
class User:
    guid: str
    name: str


@dataclass
class Code:
    """A code; ``codable`` False for folders (our categories); ``children`` nested codes."""

    guid: str
    name: str
    codable: bool = True
    color: str = ""
    description: str = ""
    children: list["Code"] = field(default_factory=list)


@dataclass
class Variable:
    guid: str
    name: str
    type: str = "Text"      # one of VARIABLE_TYPES


@dataclass
class VariableValue:
    variable: str           # the Variable's guid
    type: str               # Text | Boolean | Integer | Float | Date | DateTime
    value: str              # as written in the XML (``true``, ``42``, ``3.5``, text)


@dataclass
class Coding:
    guid: str
    code: str               # the Code's guid
    user: str = ""          # the User's guid
    created: str = ""       # xsd:dateTime
    notes: list[str] = field(default_factory=list)   # Note guids


@dataclass
class Selection:
    """A ``PlainTextSelection``: code points ``start`` (from 0) to ``end`` (exclusive)."""

    guid: str
    start: int
    end: int
    name: str = ""
    description: str = ""
    user: str = ""
    created: str = ""
    codings: list[Coding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Source:
    """A ``TextSource``; ``text`` is its plain text (LF line endings)."""

    guid: str
    name: str
    text: str
    user: str = ""
    created: str = ""
    description: str = ""
    selections: list[Selection] = field(default_factory=list)
    values: list[VariableValue] = field(default_factory=list)
    inline: bool = False    # PlainTextContent inside the XML rather than a file in sources/


@dataclass
class Case:
    guid: str
    name: str
    description: str = ""
    values: list[VariableValue] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)      # SourceRef guids
    selections: list[str] = field(default_factory=list)   # SelectionRef guids


@dataclass
class Note:
    guid: str
    name: str
    text: str
    user: str = ""
    created: str = ""


@dataclass
class Project:
    name: str
    origin: str = ""
    user: str = ""           # creatingUserGUID
    created: str = ""        # creationDateTime
    users: list[User] = field(default_factory=list)
    codes: list[Code] = field(default_factory=list)
    variables: list[Variable] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    description: str = ""

    def walk_codes(self):
        """Every code with its path of names from the top: ``(code, ("Spørsmål", "fungerer_bra"))``."""
        return walk_codes(self.codes)


def walk_codes(codes, parents=()):
    """Depth-first ``(code, path)`` pairs; ``path`` is the tuple of names from the top.

    Example:
        >>> tree = [Code("a", "Spørsmål", codable=False, children=[Code("b", "fungerer_bra")])]
        >>> [path for _, path in walk_codes(tree)]
        [('Spørsmål',), ('Spørsmål', 'fungerer_bra')]
    """
    for code in codes:
        path = (*parents, code.name)
        yield code, path
        yield from walk_codes(code.children, path)
