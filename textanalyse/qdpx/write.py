"""Write a :class:`~textanalyse.qdpx.model.Project` as ``project.qde`` and a ``.qdpx`` archive.

The archive is deterministic: ``project.qde`` first, then ``sources/<guid>.txt`` in name
order, every entry stamped with the project's creation time, plain text as UTF-8 without
BOM and LF line endings. Child elements follow the order of ``Project-mrt2019.xsd``.
"""

from __future__ import annotations

import datetime as _dt
import re
import zipfile
from pathlib import Path

from lxml import etree

from textanalyse.errors import UserError
from textanalyse.qdpx.model import Code, Project, Selection, Source, VariableValue

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
# Characters XML 1.0 cannot hold; a source keeps its length, so each becomes one space.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: str) -> str:
    """Text an XML file can hold: LF line endings, forbidden control characters as spaces.

    Example:
        >>> xml_text("a\\r\\nb\\x0bc")
        'a\\nb c'
    """
    return _NOT_XML.sub(" ", value.replace("\r\n", "\n").replace("\r", "\n"))


def _element(parent, namespace: str, tag: str, attributes=(), text: str | None = None):
    element = etree.SubElement(parent, f"{{{namespace}}}{tag}")
    for key, value in attributes:
        if value not in (None, ""):
            element.set(key, xml_text(str(value)))
    if text is not None:
        element.text = xml_text(text)
    return element


def code_element(parent, code: Code, *, namespace: str) -> None:
    """A ``Code`` (and its children) in either namespace; project codes may carry no notes here."""
    element = _element(parent, namespace, "Code", [("guid", code.guid), ("name", code.name),
                                                   ("isCodable", "true" if code.codable else "false"),
                                                   ("color", code.color)])
    if code.description:
        _element(element, namespace, "Description", text=code.description)
    for child in code.children:
        code_element(element, child, namespace=namespace)


def serialise(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def project_xml(project: Project) -> bytes:
    """The ``project.qde`` document (UTF-8 bytes) for ``project``.

    Example:
        >>> from textanalyse.qdpx.model import User
        >>> xml = project_xml(Project(name="Eksempel", users=[User("5b1f7f0e-3c59-5c3e-9d35-2b0e6d3c1a11", "Kari")]))
        >>> xml.splitlines()[1].decode()
        '<Project xmlns="urn:QDA-XML:project:1.0" name="Eksempel">'
    """
    ns = PROJECT_NS
    root = etree.Element(f"{{{ns}}}Project", nsmap={None: ns})
    for key, value in (("name", project.name), ("origin", project.origin), ("creatingUserGUID", project.user),
                       ("creationDateTime", project.created)):
        if value:
            root.set(key, xml_text(value))
    if project.users:
        users = _element(root, ns, "Users")
        for user in project.users:
            _element(users, ns, "User", [("guid", user.guid), ("name", user.name)])
    if project.codes:
        codes = _element(_element(root, ns, "CodeBook"), ns, "Codes")
        for code in project.codes:
            code_element(codes, code, namespace=ns)
    if project.variables:
        variables = _element(root, ns, "Variables")
        for variable in project.variables:
            _element(variables, ns, "Variable", [("guid", variable.guid), ("name", variable.name),
                                                  ("typeOfVariable", variable.type)])
    if project.cases:
        cases = _element(root, ns, "Cases")
        for case in project.cases:
            element = _element(cases, ns, "Case", [("guid", case.guid), ("name", case.name)])
            if case.description:
                _element(element, ns, "Description", text=case.description)
            _values(element, case.values)
            for guid in case.sources:
                _element(element, ns, "SourceRef", [("targetGUID", guid)])
            for guid in case.selections:
                _element(element, ns, "SelectionRef", [("targetGUID", guid)])
    if project.sources:
        sources = _element(root, ns, "Sources")
        for source in project.sources:
            _source(sources, source)
    if project.notes:
        notes = _element(root, ns, "Notes")
        for note in project.notes:
            element = _element(notes, ns, "Note", [("guid", note.guid), ("name", note.name),
                                                   ("creatingUser", note.user), ("creationDateTime", note.created)])
            _element(element, ns, "PlainTextContent", text=note.text)
    if project.description:
        _element(root, ns, "Description", text=project.description)
    return serialise(root)


def _values(parent, values: list[VariableValue]) -> None:
    for value in values:
        element = _element(parent, PROJECT_NS, "VariableValue")
        _element(element, PROJECT_NS, "VariableRef", [("targetGUID", value.variable)])
        _element(element, PROJECT_NS, f"{value.type}Value", text=value.value)


def source_path(source: Source) -> str:
    return f"internal://{source.guid}.txt"


def _source(parent, source: Source) -> None:
    ns = PROJECT_NS
    attributes = [("guid", source.guid), ("name", source.name)]
    if not source.inline:
        attributes.append(("plainTextPath", source_path(source)))
    attributes += [("creatingUser", source.user), ("creationDateTime", source.created)]
    element = _element(parent, ns, "TextSource", attributes)
    if source.description:
        _element(element, ns, "Description", text=source.description)
    if source.inline:
        _element(element, ns, "PlainTextContent", text=source.text)
    for selection in source.selections:
        _selection(element, selection)
    _values(element, source.values)


def _selection(parent, selection: Selection) -> None:
    ns = PROJECT_NS
    element = _element(parent, ns, "PlainTextSelection", [
        ("guid", selection.guid), ("name", selection.name), ("startPosition", selection.start),
        ("endPosition", selection.end), ("creatingUser", selection.user), ("creationDateTime", selection.created)])
    # startPosition 0 must be written: _element skips only None and ""
    if selection.description:
        _element(element, ns, "Description", text=selection.description)
    for coding in selection.codings:
        coded = _element(element, ns, "Coding", [("guid", coding.guid), ("creatingUser", coding.user),
                                                 ("creationDateTime", coding.created)])
        _element(coded, ns, "CodeRef", [("targetGUID", coding.code)])
        for note in coding.notes:
            _element(coded, ns, "NoteRef", [("targetGUID", note)])
    for note in selection.notes:
        _element(element, ns, "NoteRef", [("targetGUID", note)])


def _zip_time(created: str) -> tuple:
    if created:
        moment = _dt.datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ")
        if moment.year >= 1980:
            return moment.timetuple()[:6]
    return (1980, 1, 1, 0, 0, 0)


def archive_bytes(project: Project) -> dict[str, bytes]:
    """The archive's entries, in the order they are written: ``project.qde``, then the sources."""
    entries = {"project.qde": project_xml(project)}
    texts = {f"sources/{source.guid}.txt": xml_text(source.text).encode("utf-8")
             for source in project.sources if not source.inline}
    for name in sorted(texts):
        entries[name] = texts[name]
    return entries


def write_qdpx(project: Project, path) -> Path:
    """Write ``project`` to ``path`` (a ``.qdpx``) atomically; the same project gives the same bytes."""
    from textanalyse.atomic import atomic_path

    path = Path(path)
    stamp = _zip_time(project.created)
    try:
        with atomic_path(path) as tmp:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for name, data in archive_bytes(project).items():
                    info = zipfile.ZipInfo(name, date_time=stamp)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.create_system = 3          # Unix, whatever machine writes it
                    info.external_attr = 0o644 << 16
                    archive.writestr(info, data, compresslevel=9)
    except PermissionError:
        raise UserError(f"{path}: cannot write here (permission denied); choose another --out") from None
    except OSError as error:
        raise UserError(f"{path}: cannot write ({error.strerror or type(error).__name__}); choose another --out") from None
    return path
