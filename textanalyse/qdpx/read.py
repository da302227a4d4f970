"""Read REFI-QDA files written by any tool (NVivo, MAXQDA, ATLAS.ti, QualCoder, textanalyse).

What real exports do and this reader accepts: ``Sources/`` or ``sources/``, any ``*.qde``
name (also inside one top folder), plain text inline (``PlainTextContent``) or in files,
``internal://``, ``relative://`` and ``absolute://`` paths (files outside the archive's folder
only when allowed), byte-order marks, CRLF counted as one or two characters (decided per
source from its selections), variables on cases or on sources, nested codes, GUIDs with or
without braces, any namespace version. Anything else is one :class:`UserError` naming the
file and the element. Texts come back with LF line endings and positions counted in them.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lxml import etree

from textanalyse.errors import UserError
from textanalyse.qdpx.ids import normalise_guid
from textanalyse.qdpx.model import (VARIABLE_TYPES, Case, Code, Coding, Note, Project, Selection, Source, User,
                                    Variable, VariableValue)

MAX_XML_BYTES = 512 * 1024 * 1024
MAX_SOURCE_BYTES = 2**31 - 1          # the standard's limit for an internal file (§8.5)
# Elements whose name attribute is a label (not a passage of answer text) and may appear in errors.
_NAMED = {"TextSource", "PDFSource", "Code", "Case", "Variable", "User", "Set", "Project"}


@dataclass
class ReadReport:
    """What an import left out or decided, for one line each on the terminal."""

    skipped: dict = field(default_factory=dict)          # element name -> count
    crlf_two: list = field(default_factory=list)          # sources whose CRLF counted as two characters
    crlf_one: list = field(default_factory=list)          # ... as one character

    def lines(self) -> list[str]:
        out = [f"left out {count} {name} element(s): only text sources and their selections are read"
               for name, count in sorted(self.skipped.items())]
        if self.crlf_two:
            out.append(f"{len(self.crlf_two)} source(s) had CRLF line endings counted as two characters")
        if self.crlf_one:
            out.append(f"{len(self.crlf_one)} source(s) had CRLF line endings counted as one character")
        return out


def _local(element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""   # any namespace (or none)


def _children(element, name: str):
    return [child for child in element if _local(child) == name]


def _child(element, name: str):
    found = _children(element, name)
    return found[0] if found else None


def _text(element, name: str) -> str:
    child = _child(element, name)
    return (child.text or "") if child is not None else ""


class _Reader:
    def __init__(self, path: Path, *, allow_outside: bool):
        self.path = path
        self.allow_outside = allow_outside
        self.report = ReadReport()
        self.archive: zipfile.ZipFile | None = None
        self.prefix = ""                      # folder of the .qde inside the archive
        self.entries: dict[str, str] = {}     # lower-case file name in sources/ -> archive name
        self.folder = path.resolve().parent   # the archive's (or .qde's) folder
        self.base_path = ""

    # ------------------------------------------------------------------ containers
    def fail(self, what: str) -> UserError:
        return UserError(f"{self.path}: {what}")

    def open_archive(self) -> bytes:
        try:
            self.archive = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError) as error:
            reason = "not a ZIP archive" if isinstance(error, zipfile.BadZipFile) else error.strerror
            raise self.fail(f"cannot be opened as a .qdpx ({reason}); export the project again") from None
        names = [n for n in self.archive.namelist() if not n.endswith("/") and not n.startswith("__MACOSX/")]
        projects = [n for n in names if n.lower().endswith(".qde")]
        if not projects:
            raise self.fail("holds no .qde project file; is it a REFI-QDA project export?")
        if len(projects) > 1:
            preferred = [n for n in projects if PurePosixPath(n).name.lower() == "project.qde"]
            if len(preferred) != 1:
                raise self.fail(f"holds several project files ({', '.join(sorted(projects)[:3])}); keep one")
            projects = preferred
        qde = projects[0]
        self.prefix = qde[: len(qde) - len(PurePosixPath(qde).name)]
        for name in names:
            inner = name[len(self.prefix):] if name.startswith(self.prefix) else None
            if inner and "/" in inner and inner.split("/", 1)[0].lower() == "sources":
                self.entries.setdefault(PurePosixPath(inner).name.lower(), name)
        info = self.archive.getinfo(qde)
        if info.file_size > MAX_XML_BYTES:
            raise self.fail(f"{qde} is larger than {MAX_XML_BYTES >> 20} MB; is it really a project file?")
        return self.archive.read(qde)

    def parse(self, data: bytes, label: str):
        if b"<!ENTITY" in data or "<!ENTITY".encode("utf-16-le") in data:
            raise self.fail(f"{label} declares XML entities; REFI-QDA files have none, so it is not read")
        # no entities, no DTD, no network, and libxml2's limits against entity expansion left on
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                                 remove_comments=True, remove_pis=True)
        try:
            return etree.fromstring(data, parser)
        except etree.XMLSyntaxError as error:
            raise self.fail(f"{label} is not valid XML ({error.msg}, line {error.lineno})") from None

    def internal(self, name: str, owner: str) -> bytes:
        key = PurePosixPath(name.replace("\\", "/")).name.lower()
        if self.archive is not None:
            found = self.entries.get(key)
            if found is None:
                raise self.fail(f"{owner} points to internal://{name}, which is not in the archive's sources folder")
            if self.archive.getinfo(found).file_size > MAX_SOURCE_BYTES:
                raise self.fail(f"{owner}: its text file is larger than 2 GB, the limit of REFI-QDA")
            return self.archive.read(found)
        for folder in ("sources", "Sources"):
            candidate = self.folder / folder / PurePosixPath(name).name
            if candidate.is_file():
                return candidate.read_bytes()
        raise self.fail(f"{owner} points to internal://{name}, which is not in {self.folder / 'sources'}")

    def external(self, location: str, owner: str, *, relative: bool) -> bytes:
        if relative:
            # basePath is a folder on the machine that exported; where it is missing here, the
            # archive's own folder is the base (the sources travelled with the archive)
            base = Path(self.base_path) if self.base_path else self.folder
            if not base.is_absolute():
                base = self.folder / base
            if not base.is_dir():
                base = self.folder
            target = base / location.lstrip("/")
        else:
            if len(location) > 2 and location[0] == "/" and location[2] == ":":   # absolute:///C:/...
                location = location[1:]
            target = Path(location)
        resolved = target.resolve()
        inside = resolved == self.folder or self.folder in resolved.parents
        if not inside and not self.allow_outside:
            raise self.fail(f"{owner} points outside the archive's folder ({target}); "
                            "use --allow-outside to read it anyway")
        try:
            return resolved.read_bytes()
        except OSError as error:
            raise self.fail(f"{owner} points to {target}, which cannot be read ({error.strerror})") from None

    def file_text(self, reference: str, owner: str) -> str:
        scheme, _, rest = reference.partition("://")
        scheme = scheme.lower()
        if scheme == "internal":
            data = self.internal(rest, owner)
        elif scheme in ("relative", "absolute"):
            data = self.external(rest, owner, relative=scheme == "relative")
        else:
            raise self.fail(f"{owner} has a path '{reference}' that is not internal://, relative:// or absolute://")
        return _decode(data, lambda reason: self.fail(f"{owner}: its text file {reason}"))

    # ------------------------------------------------------------------ elements
    def guid(self, element, attribute: str = "guid", *, required: bool = True) -> str:
        value = element.get(attribute)
        guid = normalise_guid(value)
        if guid is None and (required or value not in (None, "")):
            name = element.get("name") if _local(element) in _NAMED else None   # a selection's name is answer text
            label = f"{_local(element)}{f' {name!r}' if name else ''}"
            raise self.fail(f"{label} has {'no' if value is None else 'a bad'} {attribute} "
                            f"({value!r}); GUIDs look like 8-4-4-4-12 hexadecimal digits")
        return guid or ""

    def code(self, element) -> Code:
        codable = (element.get("isCodable") or "true").strip().lower() not in ("false", "0")
        return Code(self.guid(element), element.get("name") or "", codable=codable,
                    color=(element.get("color") or "").strip(), description=_text(element, "Description"),
                    children=[self.code(child) for child in _children(element, "Code")])

    def values(self, element, owner: str) -> list[VariableValue]:
        values = []
        for item in _children(element, "VariableValue"):
            reference = _child(item, "VariableRef")
            if reference is None:
                raise self.fail(f"a VariableValue in {owner} has no VariableRef")
            typed = [child for child in item if _local(child).endswith("Value") and _local(child) != "VariableValue"]
            if not typed:
                continue
            kind = _local(typed[0])[: -len("Value")]
            values.append(VariableValue(self.guid(reference, "targetGUID"), kind if kind in VARIABLE_TYPES else "Text",
                                        (typed[0].text or "").strip()))
        return values

    def coding(self, element, owner: str) -> Coding:
        reference = _child(element, "CodeRef")
        if reference is None:
            raise self.fail(f"a Coding in {owner} has no CodeRef")
        return Coding(self.guid(element), self.guid(reference, "targetGUID"),
                      user=self.guid(element, "creatingUser", required=False),
                      created=element.get("creationDateTime") or "",
                      notes=[self.guid(n, "targetGUID") for n in _children(element, "NoteRef")])

    def selection(self, element, owner: str) -> Selection:
        positions = []
        for attribute in ("startPosition", "endPosition"):
            value = element.get(attribute)
            try:
                positions.append(int(value))
            except (TypeError, ValueError):
                raise self.fail(f"PlainTextSelection {element.get('guid')} in {owner} has "
                                f"{'no' if value is None else 'a bad'} {attribute} ({value!r})") from None
        start, end = positions
        user = self.guid(element, "creatingUser", required=False) or self.guid(element, "modifyingUser", required=False)
        return Selection(self.guid(element), start, end, name=element.get("name") or "",
                         description=_text(element, "Description"), user=user,
                         created=element.get("creationDateTime") or element.get("modifiedDateTime") or "",
                         codings=[self.coding(c, owner) for c in _children(element, "Coding")],
                         notes=[self.guid(n, "targetGUID") for n in _children(element, "NoteRef")])

    def text_of(self, element, owner: str) -> tuple[str, bool]:
        content = _child(element, "PlainTextContent")
        if content is not None:
            return content.text or "", True
        reference = element.get("plainTextPath")
        if not reference and (element.get("path") or "").lower().endswith(".txt"):
            reference = element.get("path")
        if not reference:
            raise self.fail(f"{owner} has neither PlainTextContent nor plainTextPath; "
                            "export it again with its plain text")
        return self.file_text(reference, owner), False

    def source(self, element, *, name: str | None = None, extra_values=()) -> Source:
        guid = self.guid(element)
        label = name if name is not None else (element.get("name") or "")
        owner = f"TextSource {label!r}" if label else f"TextSource {guid}"
        text, inline = self.text_of(element, owner)
        selections = [self.selection(s, owner) for s in _children(element, "PlainTextSelection")]
        whole = [self.coding(c, owner) for c in _children(element, "Coding")]
        text = _line_endings(text, selections, owner=owner, report=self.report, origin=self.origin)
        for selection in selections:
            if not 0 <= selection.start <= selection.end <= len(text):
                raise self.fail(f"PlainTextSelection {selection.guid} in {owner} runs from {selection.start} to "
                                f"{selection.end}, outside the text (length {len(text)})")
        if whole:  # the whole source coded: one selection over all of it
            selections.insert(0, Selection(whole[0].guid, 0, len(text), codings=whole))
        return Source(guid, label, text, user=self.guid(element, "creatingUser", required=False),
                      created=element.get("creationDateTime") or "", description=_text(element, "Description"),
                      selections=selections, values=[*self.values(element, owner), *extra_values], inline=inline)

    def project(self, root) -> Project:
        if _local(root) != "Project":
            raise self.fail(f"the root element is {_local(root)}, not Project; is this a REFI-QDA project?")
        self.base_path = root.get("basePath") or ""
        self.origin = root.get("origin") or ""
        project = Project(name=root.get("name") or "", origin=self.origin,
                          user=self.guid(root, "creatingUserGUID", required=False),
                          created=root.get("creationDateTime") or "", description=_text(root, "Description"))
        for element in root:
            kind = _local(element)
            if kind == "Users":
                project.users = [User(self.guid(u), u.get("name") or "") for u in _children(element, "User")]
            elif kind == "CodeBook":
                codes = _child(element, "Codes")
                project.codes = [self.code(c) for c in _children(codes, "Code")] if codes is not None else []
            elif kind == "Variables":
                project.variables = [Variable(self.guid(v), v.get("name") or "", v.get("typeOfVariable") or "Text")
                                     for v in _children(element, "Variable")]
            elif kind == "Cases":
                project.cases = [self.case(c) for c in _children(element, "Case")]
            elif kind == "Sources":
                project.sources = self.sources(element)
            elif kind == "Notes":
                project.notes = [self.note(n) for n in _children(element, "Note")]
            elif kind in ("Links", "Sets", "Graphs"):
                count = len(list(element))
                if count:
                    self.report.skipped[kind[:-1]] = self.report.skipped.get(kind[:-1], 0) + count
        return project

    def case(self, element) -> Case:
        owner = f"Case {element.get('name')!r}" if element.get("name") else f"Case {element.get('guid')}"
        return Case(self.guid(element), element.get("name") or "", description=_text(element, "Description"),
                    values=self.values(element, owner),
                    sources=[self.guid(r, "targetGUID") for r in _children(element, "SourceRef")],
                    selections=[self.guid(r, "targetGUID") for r in _children(element, "SelectionRef")])

    def sources(self, element) -> list[Source]:
        sources = []
        for child in element:
            kind = _local(child)
            if kind == "TextSource":
                sources.append(self.source(child))
            elif kind == "PDFSource" and _child(child, "Representation") is not None:
                owner = f"PDFSource {child.get('name')!r}"
                sources.append(self.source(_child(child, "Representation"), name=child.get("name") or "",
                                           extra_values=self.values(child, owner)))
            elif kind:
                self.report.skipped[kind] = self.report.skipped.get(kind, 0) + 1
        return sources

    def note(self, element) -> Note:
        owner = f"Note {element.get('name')!r}" if element.get("name") else f"Note {element.get('guid')}"
        try:
            text, _ = self.text_of(element, owner)
        except UserError:
            text = ""   # a note whose text is only in a .docx: keep the note, without text
        return Note(self.guid(element), element.get("name") or "", text.replace("\r\n", "\n"),
                    user=self.guid(element, "creatingUser", required=False),
                    created=element.get("creationDateTime") or "")


def read_project(path, *, allow_outside: bool = False) -> tuple[Project, ReadReport]:
    """Read a ``.qdpx`` archive, a bare ``.qde`` file or a ``.qdc`` codebook into a :class:`Project`.

    A ``.qdc`` gives a project with only codes. ``allow_outside`` lets ``relative://`` and
    ``absolute://`` sources outside the archive's folder be read.

    Example:
        >>> project, report = read_project("prosjekt.qdpx")          # doctest: +SKIP
        >>> [source.name for source in project.sources][:2]          # doctest: +SKIP
        ['R001', 'R002']
    """
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: not found; give a .qdpx, .qde or .qdc file")
    reader = _Reader(path, allow_outside=allow_outside)
    reader.origin = ""
    suffix = path.suffix.lower()
    try:
        if suffix == ".qdpx" or zipfile.is_zipfile(path):
            data = reader.open_archive()
            label = "project.qde"
        else:
            data = path.read_bytes()
            label = path.name
        root = reader.parse(data, label)
        if _local(root) == "CodeBook":
            codes = _child(root, "Codes")
            if codes is None:
                raise reader.fail("the CodeBook has no Codes element")
            project = Project(name=path.stem, origin=root.get("origin") or "",
                              codes=[reader.code(c) for c in _children(codes, "Code")])
            sets = _child(root, "Sets")
            if sets is not None and len(sets):
                reader.report.skipped["Set"] = len(sets)
            return project, reader.report
        return reader.project(root), reader.report
    finally:
        if reader.archive is not None:
            reader.archive.close()


def _decode(data: bytes, fail) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise fail("is not UTF-8 (REFI-QDA plain text must be UTF-8)") from None
    return text[1:] if text.startswith("\ufeff") else text


def _line_endings(text: str, selections, *, owner: str, report: ReadReport, origin: str = "") -> str:
    """LF text; selections moved from CRLF-as-two positions when that reading fits them better.

    Tools differ: some count CRLF as one character (ATLAS.ti), some as two (the file's code
    points). The reading under which more selections start and end on word boundaries (and
    match their names) wins; a tie keeps the standard's reading, the file's code points.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" not in text:
        return text
    lf = text.replace("\r\n", "\n")
    if "\r\n" in text and selections:
        before = [0] * (len(text) + 1)      # CRs of CRLF pairs before each position of the raw text
        count = 0
        for index, character in enumerate(text):
            before[index] = count
            if character == "\r" and text[index + 1:index + 2] == "\n":
                count += 1
        before[len(text)] = count
        as_two = [(s.start - before[min(s.start, len(text))], s.end - before[min(s.end, len(text))])
                  for s in selections]
        as_one = [(s.start, s.end) for s in selections]
        fits_two = all(0 <= a <= b <= len(text) for a, b in ((s.start, s.end) for s in selections))
        fits_one = all(0 <= a <= b <= len(lf) for a, b in as_one)
        score_two = _score(lf, as_two, selections) if fits_two else -1
        score_one = _score(lf, as_one, selections) if fits_one else -1
        prefer_one = score_one > score_two or (score_one == score_two and "atlas" in origin.lower())
        if prefer_one:
            report.crlf_one.append(owner)
        else:
            report.crlf_two.append(owner)
            for selection, (start, end) in zip(selections, as_two):
                selection.start, selection.end = start, end
    return lf.replace("\r", "\n")


def _score(text: str, spans, selections) -> int:
    def boundary(position: int) -> bool:
        if position <= 0 or position >= len(text):
            return True
        return not (text[position - 1].isalnum() and text[position].isalnum())

    score = 0
    for (start, end), selection in zip(spans, selections):
        score += boundary(start) + boundary(end)
        name = " ".join((selection.name or "").split()).rstrip("…. ")
        if name and " ".join(text[start:end].split()).startswith(name[:40]):
            score += 4
    return score
