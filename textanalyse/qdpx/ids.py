"""Stable identifiers and timestamps for REFI-QDA files: same input, same bytes.

GUIDs are UUID version 5, derived from a project seed and a stable key (``"source:R001"``),
written in lower-case canonical form (some readers reject upper case or braces). Readers of
other tools' files use :func:`normalise_guid`, which accepts both forms.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import uuid
from pathlib import Path

_GUID = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")
# Distinct colours for codes without one (the order is fixed, so colours are stable between exports).
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd",
           "#e6550d", "#31a354", "#756bb1", "#636363")
AUTOMATIC_USER = "textanalyse (automatisk)"


class Guids:
    """GUIDs for one project: ``Guids("Kommunerapport").make("source", "R001")``.

    Example:
        >>> guids = Guids("Eksempel")
        >>> guids.make("code", "Bolig") == guids.make("code", "Bolig")
        True
        >>> guids.make("code", "Bolig") == guids.make("code", "bolig")
        False
        >>> len(guids.make("code", "Bolig"))
        36
    """

    def __init__(self, seed: str):
        self.namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"textanalyse:qdpx:{seed}")

    def make(self, kind: str, *parts) -> str:
        key = "\x1f".join([kind, *(str(part) for part in parts)])
        return str(uuid.uuid5(self.namespace, key))


def normalise_guid(value: str | None) -> str | None:
    """A GUID in lower-case canonical form, with or without braces in the input; None if not a GUID.

    Example:
        >>> normalise_guid("{D299EFAE-5779-46DC-9827-A3D1A5D544BC}")
        'd299efae-5779-46dc-9827-a3d1a5d544bc'
        >>> normalise_guid("ikke en guid") is None
        True
    """
    if value is None:
        return None
    match = _GUID.match(value.strip())
    return match.group(1).lower() if match else None


def format_timestamp(moment: _dt.datetime) -> str:
    """``xsd:dateTime`` in UTC, whole seconds, with ``Z``.

    Example:
        >>> format_timestamp(_dt.datetime(2026, 3, 1, 12, 30, 5, 999, tzinfo=_dt.timezone.utc))
        '2026-03-01T12:30:05Z'
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.timezone.utc)
    return moment.astimezone(_dt.timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def input_timestamp(paths) -> _dt.datetime:
    """The fixed moment an export is stamped with when none is given.

    ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else the newest modification time
    of the input files, so exporting the same inputs twice gives identical files.

    Example:
        >>> input_timestamp([]).year
        1980
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc)
    times = []
    for path in paths:
        try:
            times.append(Path(path).stat().st_mtime)
        except OSError:
            continue
    if not times:
        return _dt.datetime(1980, 1, 1, tzinfo=_dt.timezone.utc)  # the earliest time a ZIP entry can hold
    return _dt.datetime.fromtimestamp(int(max(times)), _dt.timezone.utc)


def palette_colour(index: int) -> str:
    """The ``index``-th colour of the fixed palette (wrapping around).

    Example:
        >>> palette_colour(0), palette_colour(20)
        ('#1f77b4', '#1f77b4')
    """
    return PALETTE[index % len(PALETTE)]
