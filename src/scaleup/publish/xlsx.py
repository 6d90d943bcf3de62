"""A small, fast writer of Excel workbooks (.xlsx, Office Open XML SpreadsheetML).

The downloads need few things of a workbook: sheets of rows holding text, numbers and
TRUE/FALSE; a few fonts (a title, headings, bold column headers, a link); a number format
per column; column widths; panes frozen below a table's header; native Excel tables; and
links between sheets. This module writes exactly those, each cell as one string of XML, so
that the build's workbooks cost a small fraction of what openpyxl's general cell model
costs (every cell an object, every value checked and serialised through ElementTree).
openpyxl still reads them back in the tests, cell for cell.

The output is deterministic: the same rows and ``created`` date give the same bytes.
Text is written inline (no shared strings table) and never as a formula; characters XML
cannot hold are dropped; numbers are written with 16 significant digits (as openpyxl
writes them) and a number that is not finite is refused (the caller marks it missing).
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from io import BytesIO
from numbers import Real
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from openpyxl.styles.numbers import BUILTIN_FORMATS_REVERSE
from openpyxl.utils import get_column_letter
from openpyxl.writer.theme import theme_xml

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"

FONTS = {
    "normal": '<font><name val="Calibri"/><family val="2"/><color theme="1"/><sz val="11"/>'
    '<scheme val="minor"/></font>',
    "title": '<font><b val="1"/><sz val="14"/></font>',
    "heading": '<font><b val="1"/><sz val="12"/></font>',
    "header": '<font><b val="1"/></font>',
    "link": '<font><name val="Calibri"/><family val="2"/><color theme="10"/><sz val="12"/>'
    '<scheme val="minor"/></font>',
}
"""The fonts a cell may have, by the name of its style (``link`` is Excel's Hyperlink
cell style); the first is the workbook's default."""

_SHEET_NAME = re.compile(r"(?!')[^\[\]:*?/\\\x00-\x1f]{1,31}(?<!')")
_TABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]{0,254}")
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Styled:
    """A cell value with a font (a key of :data:`FONTS`) and, optionally, a link to a place
    in the workbook (``"'Notes'!A1"``)."""

    value: Any
    font: str
    link: str | None = None


@dataclass
class Sheet:
    """One worksheet: rows are appended in order, from row 1."""

    name: str
    book: Workbook
    widths: dict[int, float] = field(default_factory=dict)
    """Column number (from 1) -> width in characters."""
    freeze_below: int | None = None
    """Freeze the panes below this row (a table's header row)."""
    rows: list[str] = field(default_factory=list, init=False)
    """Each row written, as XML."""
    links: list[tuple[str, str]] = field(default_factory=list, init=False)
    tables: list[tuple[str, str, Sequence[str]]] = field(default_factory=list, init=False)
    columns: int = field(default=0, init=False)

    def append(self, values: Sequence[Any], formats: Sequence[str | None] = ()) -> int:
        """Write a row; a number in a column with a format (``formats``, by column) is shown
        with it. Returns the row's number. ``None`` leaves a cell empty."""
        r = len(self.rows) + 1
        cells = []
        for j, value in enumerate(values):
            if value is None:
                continue
            at = f"{_letter(j + 1)}{r}"
            style = 0
            if isinstance(value, Styled):
                style = self.book.style(value.font)
                if value.link is not None:
                    self.links.append((at, value.link))
                value = value.value
            elif j < len(formats) and formats[j] and _is_number(value):
                style = self.book.style("normal", formats[j])
            cells.append(_cell(at, value, style))
        self.columns = max(self.columns, len(values))
        self.rows.append(f'<row r="{r}">{"".join(cells)}</row>')
        return r

    def table(self, name: str, header_row: int, header: Sequence[str]) -> None:
        """The rows from ``header_row`` (holding ``header``) to the last one written, as one
        native Excel table named ``name`` (unique in the workbook)."""
        if not _TABLE_NAME.fullmatch(name):
            raise ValueError(f"{name!r} is not a table name Excel accepts")
        ref = f"A{header_row}:{_letter(len(header))}{len(self.rows)}"
        self.tables.append((name, ref, list(header)))

    def xml(self, table_ids: Sequence[int]) -> str:
        views = '<sheetView workbookViewId="0">'
        if self.freeze_below:
            top = f"A{self.freeze_below + 1}"
            views += (
                f'<pane ySplit="{self.freeze_below}" topLeftCell="{top}" activePane="bottomLeft"'
                f' state="frozen"/><selection pane="bottomLeft" activeCell="{top}" sqref="{top}"/>'
            )
        views += "</sheetView>"
        cols = "".join(
            f'<col min="{j}" max="{j}" width="{_number(w)}" customWidth="1"/>'
            for j, w in sorted(self.widths.items())
        )
        extent = f"A1:{_letter(max(self.columns, 1))}{max(len(self.rows), 1)}"
        parts = [
            f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}">',
            f'<dimension ref="{extent}"/><sheetViews>{views}</sheetViews>',
            '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>',
            f"<cols>{cols}</cols>" if cols else "",
            "<sheetData>",
            *self.rows,
            "</sheetData>",
        ]
        if self.links:
            parts.append("<hyperlinks>")
            parts += [f'<hyperlink ref="{at}" location={quoteattr(to)}/>' for at, to in self.links]
            parts.append("</hyperlinks>")
        if table_ids:
            parts.append(f'<tableParts count="{len(table_ids)}">')
            parts += [f'<tablePart r:id="rId{i + 1}"/>' for i in range(len(table_ids))]
            parts.append("</tableParts>")
        parts.append("</worksheet>")
        return "".join(parts)


class Workbook:
    """Sheets in order, and the cell formats (font and number format) they use."""

    def __init__(self) -> None:
        self.sheets: list[Sheet] = []
        self._styles: dict[tuple[str, str | None], int] = {("normal", None): 0}
        self._formats: dict[str, int] = {}

    def sheet(
        self, name: str, widths: dict[int, float] | None = None, freeze_below: int | None = None
    ) -> Sheet:
        """A new sheet named ``name`` (as Excel allows: 1-31 characters, none of []:*?/\\,
        not quoted, unique ignoring case) after the others."""
        taken = {s.name.lower() for s in self.sheets}
        if not _SHEET_NAME.fullmatch(name) or name.lower() in taken:
            raise ValueError(f"{name!r} is not a sheet name Excel accepts here")
        made = Sheet(name, self, dict(widths or {}), freeze_below)
        self.sheets.append(made)
        return made

    def style(self, font: str, number_format: str | None = None) -> int:
        """The index of the cell format with ``font`` and ``number_format`` (the font
        ``link`` is Excel's Hyperlink cell style)."""
        key = (font, number_format)
        if key not in self._styles:
            if font not in FONTS:
                raise ValueError(f"no font {font!r}")
            if number_format and number_format not in BUILTIN_FORMATS_REVERSE:
                self._formats.setdefault(number_format, 164 + len(self._formats))
            self._styles[key] = len(self._styles)
        return self._styles[key]

    def to_bytes(self, *, title: str = "", created: date | None = None) -> bytes:
        """The workbook as an .xlsx file; ``title`` and ``created`` are its document
        properties (``created`` also dates the files in the archive)."""
        when = created or date(1980, 1, 1)
        stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
        out = BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:

            def put(name: str, text: str) -> None:
                info = zipfile.ZipInfo(name, stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, text.encode("utf-8"))

            put("[Content_Types].xml", self._content_types())
            put(
                "_rels/.rels",
                _relationships(
                    [
                        (f"{REL}/officeDocument", "xl/workbook.xml"),
                        (f"{PACKAGE_REL}/metadata/core-properties", "docProps/core.xml"),
                        (f"{REL}/extended-properties", "docProps/app.xml"),
                    ]
                ),
            )
            put("docProps/core.xml", _core(title, when))
            put(
                "docProps/app.xml",
                '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
                'extended-properties"><Application>scaleup</Application></Properties>',
            )
            put("xl/workbook.xml", self._workbook())
            put(
                "xl/_rels/workbook.xml.rels",
                _relationships(
                    [(f"{REL}/worksheet", f"worksheets/sheet{i}.xml") for i in self._numbers()]
                    + [(f"{REL}/styles", "styles.xml"), (f"{REL}/theme", "theme/theme1.xml")]
                ),
            )
            put("xl/styles.xml", self._stylesheet())
            put("xl/theme/theme1.xml", theme_xml)
            table_id = 0
            for i, sheet in zip(self._numbers(), self.sheets, strict=True):
                ids = list(range(table_id + 1, table_id + 1 + len(sheet.tables)))
                table_id += len(sheet.tables)
                put(f"xl/worksheets/sheet{i}.xml", sheet.xml(ids))
                if ids:
                    put(
                        f"xl/worksheets/_rels/sheet{i}.xml.rels",
                        _relationships([(f"{REL}/table", f"../tables/table{t}.xml") for t in ids]),
                    )
                for t, (name, ref, header) in zip(ids, sheet.tables, strict=True):
                    put(f"xl/tables/table{t}.xml", _table(t, name, ref, header))
        return out.getvalue()

    def _numbers(self) -> range:
        return range(1, len(self.sheets) + 1)

    def _content_types(self) -> str:
        overrides = [
            ("/xl/workbook.xml", f"{TYPE}.sheet.main+xml"),
            ("/xl/styles.xml", f"{TYPE}.styles+xml"),
            ("/xl/theme/theme1.xml", "application/vnd.openxmlformats-officedocument.theme+xml"),
            ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
            (
                "/docProps/app.xml",
                "application/vnd.openxmlformats-officedocument.extended-properties+xml",
            ),
        ]
        sheet = f"{TYPE}.worksheet+xml"
        overrides += [(f"/xl/worksheets/sheet{i}.xml", sheet) for i in self._numbers()]
        tables = sum(len(s.tables) for s in self.sheets)
        table = f"{TYPE}.table+xml"
        overrides += [(f"/xl/tables/table{t}.xml", table) for t in range(1, tables + 1)]
        return (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides)
            + "</Types>"
        )

    def _workbook(self) -> str:
        sheets = "".join(
            f'<sheet name={quoteattr(_text(s.name))} sheetId="{i}" r:id="rId{i}"/>'
            for i, s in zip(self._numbers(), self.sheets, strict=True)
        )
        return (
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><bookViews>'
            '<workbookView activeTab="0"/></bookViews>'
            f"<sheets>{sheets}</sheets></workbook>"
        )

    def _stylesheet(self) -> str:
        fonts = list(FONTS)
        formats = "".join(
            f'<numFmt numFmtId="{i}" formatCode={quoteattr(code)}/>'
            for code, i in self._formats.items()
        )
        xfs = []
        for font, number_format in self._styles:
            fmt = 0
            if number_format:
                fmt = BUILTIN_FORMATS_REVERSE.get(number_format, self._formats.get(number_format))
            xfs.append(
                f'<xf numFmtId="{fmt}" fontId="{fonts.index(font)}" fillId="0" borderId="0"'
                f' xfId="{1 if font == "link" else 0}"'
                + (' applyNumberFormat="1"' if fmt else "")
                + ("" if font == "normal" else ' applyFont="1"')
                + "/>"
            )
        return (
            f'<styleSheet xmlns="{MAIN}">'
            + (f'<numFmts count="{len(self._formats)}">{formats}</numFmts>' if formats else "")
            + f'<fonts count="{len(fonts)}">{"".join(FONTS.values())}</fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            "</borders>"
            '<cellStyleXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            f'<xf numFmtId="0" fontId="{fonts.index("link")}" fillId="0" borderId="0"/>'
            "</cellStyleXfs>"
            f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="2"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
            '<cellStyle name="Hyperlink" xfId="1" builtinId="8"/></cellStyles>'
            "</styleSheet>"
        )


def _letter(column: int) -> str:
    return _LETTERS[column] if column < len(_LETTERS) else get_column_letter(column)


_LETTERS = ["", *(get_column_letter(j) for j in range(1, 100))]


def _is_number(value: Any) -> bool:
    """Whether ``value`` is written as a number: Python's and numpy's (not TRUE/FALSE)."""
    return isinstance(value, Real | Decimal) and not isinstance(value, bool)


def _number(value: Any) -> str:
    if not math.isfinite(value):
        raise ValueError(f"a workbook cell cannot hold {value!r}")
    return f"{value:.16g}"


def _text(value: str) -> str:
    return _ILLEGAL.sub("", value)


def _cell(at: str, value: Any, style: int) -> str:
    s = f' s="{style}"' if style else ""
    if isinstance(value, bool):
        return f'<c r="{at}"{s} t="b"><v>{int(value)}</v></c>'
    if _is_number(value):
        return f'<c r="{at}"{s} t="n"><v>{_number(value)}</v></c>'
    text = _text(value if isinstance(value, str) else str(value))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{at}"{s} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def _relationships(targets: Sequence[tuple[str, str]]) -> str:
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{kind}" Target="{target}"/>'
        for i, (kind, target) in enumerate(targets, start=1)
    )
    return f'<Relationships xmlns="{PACKAGE_REL}">{rels}</Relationships>'


def _table(number: int, name: str, ref: str, header: Sequence[str]) -> str:
    columns = "".join(
        f'<tableColumn id="{j}" name={quoteattr(_text(h))}/>' for j, h in enumerate(header, start=1)
    )
    return (
        f'<table xmlns="{MAIN}" id="{number}" name="{name}" displayName="{name}" ref="{ref}"'
        f' headerRowCount="1"><autoFilter ref="{ref}"/>'
        f'<tableColumns count="{len(header)}">{columns}</tableColumns>'
        '<tableStyleInfo name="TableStyleMedium2" showRowStripes="1"/></table>'
    )


def _core(title: str, created: date) -> str:
    when = f"{created.isoformat()}T00:00:00Z"
    return (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(_text(title))}</dc:title><dc:creator>scaleup</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
        "</cp:coreProperties>"
    )
