"""Drawing primitives for the printed forms: an A4 document with the embedded Chinese font, boxed
label/value cells, checkboxes with the entry code before them, character boxes, and the page footer.

The font is Noto Sans SC from the `pylopdf-fonts-zh-cn` package (SIL OFL 1.1): it is embedded as a
subset in every PDF, so printing never depends on the fonts of the server or of the reader's
machine (docs/adr/0009-printing.md).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import TextMode
from fpdf.fonts import TTFFont

FONT = "notosanssc"
PT = 0.3528  # mm per point
LABEL_FILL = (236, 240, 245)
HINT_FILL = (250, 246, 230)
GREY = (110, 110, 110)


@functools.cache
def font_path() -> Path:
    import pylopdf_fonts_zh_cn

    path = Path(pylopdf_fonts_zh_cn.sans_path())
    if not path.is_file():  # a broken install must fail loudly, not print empty boxes
        raise FileNotFoundError(f"缺少打印字体文件：{path}")
    return path


class PrintDoc(FPDF):
    """A4 with the Chinese font; `footer_left` is printed on every page with 第 n 页 / 共 N 页."""

    def __init__(self, *, landscape: bool = False, footer_left: str = "", title: str = "") -> None:
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        self.add_font(FONT, "", str(font_path()))
        # The subset's bounding boxes are not recomputed on output (seconds for a village's glyphs):
        # the whole font's box, kept in `head`, is a valid box for any subset of it.
        font = self.fonts[FONT]
        assert isinstance(font, TTFFont)
        font.ttfont.recalcBBoxes = False
        self._widths: dict[int, float] = font.cw  # unicode → width in 1/1000 em
        self._wrapped: dict[tuple[str, float, float], list[str]] = {}
        self.set_font(FONT, size=10)
        self.set_auto_page_break(False)
        self.set_margins(15, 12, 15)
        self.footer_left = footer_left
        self.set_title(title)
        self.set_creator("全民参保登记信息系统")
        self.set_line_width(0.3)

    # -- page furniture ------------------------------------------------------------------------------
    def footer(self) -> None:
        y = self.h - 10
        self.set_draw_color(150, 150, 150)
        self.set_line_width(0.2)
        self.line(self.l_margin, y - 1.5, self.w - self.r_margin, y - 1.5)
        self.set_text_color(*GREY)
        self.set_font(FONT, size=7.5)
        width = self.w - self.l_margin - self.r_margin
        self.set_xy(self.l_margin, y)
        self.cell(width / 3, 4, self.footer_left, align="L")
        self.cell(width / 3, 4, f"第 {self.page_no()} 页 / 共 {{nb}} 页", align="C")
        self.cell(width / 3, 4, "内部资料 注意保密 · 身份证号码和电话已脱敏", align="R")
        self.set_text_color(0, 0, 0)
        self.set_draw_color(0, 0, 0)
        self.set_line_width(0.3)

    def title_text(self, y: float, text: str, size: float = 20, spacing: float = 1.5) -> None:
        """A centred, bold-looking title (the font has one weight: fill and stroke thicken it)."""
        self.size(size)
        self.set_char_spacing(spacing)
        width = self.width(text)
        # q … Q: the text render mode is graphics state and would stay on for every later text.
        with self.local_context(text_mode=TextMode.FILL_STROKE, line_width=0.25):
            self.text((self.w - width) / 2, y, text)
        self.set_char_spacing(0)

    # -- text ------------------------------------------------------------------------------------------
    def put(self, x: float, y: float, w: float, h: float, text: str, *, size: float = 10,
            align: str = "L", pad: float = 1.5, color: tuple[int, int, int] | None = None,
            min_size: float = 6) -> None:  # fmt: skip
        """One line of text vertically centred in the box, shrunk (down to `min_size`) to fit."""
        if not text:
            return
        size = self._fit(text, w - 2 * pad, size, min_size)
        self.size(size)
        text = self.clip(text, w - 2 * pad)
        width = self.width(text)
        if align == "C":
            tx = x + (w - width) / 2
        elif align == "R":
            tx = x + w - pad - width
        else:
            tx = x + pad
        if color:
            self.set_text_color(*color)
        self.text(tx, y + h / 2 + 0.36 * size * PT, text)
        if color:
            self.set_text_color(0, 0, 0)

    def put_lines(self, x: float, y: float, w: float, h: float, text: str, *, size: float = 9,
                  max_lines: int = 2, pad: float = 1.5) -> None:  # fmt: skip
        """Text wrapped on characters (Chinese has no spaces) into at most `max_lines`, centred."""
        if not text:
            return
        self.size(size)
        lines = self.wrap(text, w - 2 * pad)
        if len(lines) > max_lines:
            lines = lines[: max_lines - 1] + [self.clip("".join(lines[max_lines - 1 :]), w - 2 * pad)]
        step = size * PT * 1.3
        top = y + (h - step * len(lines)) / 2
        for i, line in enumerate(lines):
            self.text(x + pad, top + step * i + step * 0.5 + 0.36 * size * PT, line)

    def size(self, size: float) -> None:
        if self.font_size_pt != size:  # set_font always re-emits the font, even when unchanged
            self.set_font(FONT, size=size)

    def width(self, text: str) -> float:
        """Width in mm at the current size: FPDF.get_string_width's general path (shaping, styles)
        costs ~0.1 ms a call, and a village's forms measure tens of thousands of strings."""
        widths = self._widths
        return sum(widths[ord(ch)] for ch in text) * self.font_size / 1000

    def wrap(self, text: str, width: float) -> list[str]:
        key = (text, width, self.font_size_pt)
        cached = self._wrapped.get(key)
        if cached is not None:
            return cached
        widths, scale = self._widths, self.font_size / 1000
        lines, line, used = [], "", 0.0
        for ch in text:
            w = widths[ord(ch)] * scale
            if line and used + w > width:
                lines.append(line)
                line, used = "", 0.0
            line += ch
            used += w
        if line:
            lines.append(line)
        self._wrapped[key] = lines
        return lines

    def clip(self, text: str, width: float) -> str:
        if self.width(text) <= width:
            return text
        while text and self.width(text + "…") > width:
            text = text[:-1]
        return text + "…"

    def _fit(self, text: str, width: float, size: float, min_size: float) -> float:
        self.size(size)
        while size > min_size and self.width(text) > width:
            size -= 0.5
            self.size(size)
        return size

    # -- boxes -----------------------------------------------------------------------------------------
    def label(self, x: float, y: float, w: float, h: float, text: str, *, size: float = 10) -> None:
        """A shaded label cell with its (possibly two-line) caption centred."""
        self.set_fill_color(*LABEL_FILL)
        self.rect(x, y, w, h, style="DF")
        self.size(size)
        if "\n" not in text and self.width(text) <= w - 2:
            self.put(x, y, w, h, text, size=size, align="C", pad=1)
        else:  # "\n" marks where a caption may break; long pieces wrap on characters
            lines = [line for piece in text.split("\n") for line in self.wrap(piece, w - 2)]
            step = size * PT * 1.25
            top = y + (h - step * len(lines)) / 2
            for i, line in enumerate(lines):
                lw = self.width(line)
                self.text(x + (w - lw) / 2, top + step * i + step * 0.5 + 0.36 * size * PT, line)

    def value(self, x: float, y: float, w: float, h: float, text: str, *, size: float = 10,
              align: str = "L") -> None:  # fmt: skip
        self.rect(x, y, w, h)
        if not text:
            return  # what the registry lacks stays blank, for the surveyor to fill in
        self._fit(text, w - 3, size, 8)
        if self.width(text) <= w - 3:
            self.put(x, y, w, h, text, size=size, align=align, min_size=8)
        else:
            self.put_lines(x, y, w, h, text, size=8, max_lines=max(1, int(h // 3.8)))

    def char_boxes(self, x: float, y: float, w: float, h: float, n: int, text: str, *,
                   size: float = 11) -> None:  # fmt: skip
        """`n` equal boxes across `w`, one character of `text` in each (ID numbers, codes)."""
        step = w / n
        for i in range(n):
            self.rect(x + i * step, y, step, h)
            if i < len(text):
                self.put(x + i * step, y, step, h, text[i], size=size, align="C", pad=0)

    def checkbox(self, x: float, y: float, checked: bool, size: float = 3.2) -> None:
        self.set_line_width(0.25)
        self.rect(x, y, size, size)
        if checked:  # drawn, not a glyph: looks the same whatever the font has
            self.set_line_width(0.45)
            self.line(x + 0.55, y + size * 0.55, x + size * 0.42, y + size - 0.5)
            self.line(x + size * 0.42, y + size - 0.5, x + size + 0.4, y - 0.5)
        self.set_line_width(0.3)

    def options(self, x: float, y: float, w: float, items: Sequence[tuple[str, str, bool]], *,
                size: float = 8.5, row_h: float = 5.2, gap: float = 3.0) -> float:  # fmt: skip
        """Checkbox items (code, name, ticked) flowed left to right, wrapping within `w`.

        The entry code stands before the box (as on the 遂宁 form: the surveyor types that number).
        A row is one string with an ideographic space where each box goes (one text object per row,
        not three per item: a village prints thousands of these). Returns the height used.
        """
        self.size(size)
        rows = self._option_rows(w, items, gap)
        box = size * PT * 0.78  # inside the em of the space, with air on both sides
        em = size * PT
        for i, row in enumerate(rows):
            top = y + i * row_h
            self.text(x, top + row_h / 2 + 0.36 * size * PT, "".join(text for text, _, _ in row))
            for _text, box_at, ticked in row:
                self.checkbox(x + box_at + (em - box) / 2, top + (row_h - box) / 2, ticked, box)
        return len(rows) * row_h

    def _option_rows(self, w: float, items: Sequence[tuple[str, str, bool]],
                     gap: float) -> list[list[tuple[str, float, bool]]]:  # fmt: skip
        """Rows of (text piece, x of its box from the row start, ticked); pieces carry their gap."""
        spaces = " " * max(1, round(gap / max(self.width(" "), 0.01)))
        rows: list[list[tuple[str, float, bool]]] = [[]]
        used = 0.0
        for code, name, ticked in items:
            piece = f"{code}\u3000{name}"
            width = self.width(piece)
            if rows[-1] and used + width > w:
                rows.append([])
                used = 0.0
            rows[-1].append((piece + spaces, used + self.width(code), ticked))
            used += width + self.width(spaces)
        return rows

    def options_height(self, w: float, items: Sequence[tuple[str, str, bool]], *, size: float = 8.5,
                       row_h: float = 5.2, gap: float = 3.0) -> float:  # fmt: skip
        self.size(size)
        return len(self._option_rows(w, items, gap)) * row_h

    def blank(self, x: float, y: float, w: float, caption: str = "", *, size: float = 9) -> None:
        """An underlined blank to write on, with an optional small caption under it."""
        self.set_line_width(0.2)
        self.line(x, y, x + w, y)
        self.set_line_width(0.3)
        if caption:
            self.put(x, y + 0.3, w, 3, caption, size=6, align="C", pad=0, color=GREY)
