"""版头 (letterhead, number, red rules, title), 版记 and page numbers.

Positions follow gbt9704.md §2, §3, §5 and §6 to the millimetre. Where the standard
says "下空二行" we leave two blank lines plus the normal inter-line white, as two empty
paragraphs do in Word (gbt9704.md §2, the ≈ 26 mm reading).
"""
from __future__ import annotations

from desktop_app.errors import ValidationError

from .dates import format_cn_date
from .fonts import Role
from .geometry import MM, LayoutConfig
from .items import Rule, TextRun
from .shaping import Shaper
from .spec import LetterFormat, LetterSpec

MIN_MARK_SCALE = 60.0  # narrower than this the 标志 stops looking like type; shrink instead


class HeadBuilder:
    def __init__(self, spec: LetterSpec, shaper: Shaper, cfg: LayoutConfig):
        self.spec, self.shaper, self.cfg = spec, shaper, cfg
        self.centre = cfg.x0 + cfg.width / 2

    # --- page 1 --------------------------------------------------------------------
    def first_page(self) -> tuple[list, float]:
        """Items of the 版头 and the cursor where the body flow starts."""
        fmt = self.spec.format
        if fmt is LetterFormat.LETTER:
            items, title_top = self._letter_head()
        elif fmt is LetterFormat.FILE:
            items, title_top = self._file_head()
        else:
            items = self._work_mark(self.cfg.baseline(self.cfg.row_top(0), self.cfg.body_size))
            title_top = self.cfg.row_top(1 if self.spec.mark else 0)
        title, bottom = self._title(title_top)
        return items + title, self.cfg.below(bottom, 1)  # 主送 下空一行 [STD 7.3.2]

    def _letterhead(self, top: float, size: float) -> tuple[list[TextRun], float]:
        """Red 发文机关标志 centred on the 版心, its em-box top at ``top``."""
        text = self.spec.letterhead_text
        _glyphs, width = self.shaper.natural(text, Role.XIAOBIAOSONG, size, "发文机关标志")
        scale = 100.0
        if width > self.cfg.width:
            scale = max(MIN_MARK_SCALE, 100 * self.cfg.width / width)
            if width * scale / 100 > self.cfg.width:
                size *= self.cfg.width / (width * scale / 100)
        runs = self.shaper.natural_runs(text, Role.XIAOBIAOSONG, size, self.centre,
                                        self.cfg.baseline(top, size), "发文机关标志",
                                        color=self.cfg.red, hscale=scale, align="center")
        return runs, top - size

    def _work_mark(self, baseline: float) -> list[TextRun]:
        """工作秘密标志 "内部" top-left, 3号黑体 like 密级 (domain.md §4.1)."""
        if not self.spec.mark:
            return []
        return self.shaper.natural_runs(self.spec.mark, Role.HEITI, self.cfg.body_size,
                                        self.cfg.x0, baseline, "内部标志")

    def _number(self, em_top: float, align: str) -> list[TextRun]:
        if not self.spec.number_text:
            return []
        x = {"center": self.centre, "right": self.cfg.x1}[align]
        return self.shaper.natural_runs(self.spec.number_text, Role.FANGSONG, self.cfg.body_size, x,
                                        self.cfg.baseline(em_top, self.cfg.body_size), "文号",
                                        align=align)

    def _file_head(self) -> tuple[list, float]:
        cfg = self.cfg
        items = self._work_mark(cfg.baseline(cfg.row_top(0), cfg.body_size))
        mark, mark_bottom = self._letterhead(cfg.page_h_mm * MM - cfg.file_mark_top_mm * MM, cfg.file_mark_size)
        number_top = mark_bottom - cfg.gap - 2 * cfg.pitch           # 下空二行 [STD 7.2.5]
        rule_top = number_top - cfg.body_size - 4 * MM                # 4 mm below [STD 7.2.7]
        if not self.spec.number_text:  # no 发文字号: no empty band, the rule follows the mark
            rule_top = mark_bottom - 4 * MM
        w = cfg.file_rule_mm * MM
        rule = Rule(cfg.x0, cfg.x1, rule_top - w / 2, w, cfg.red)
        title_top = rule_top - w - cfg.gap - 2 * cfg.pitch            # 下空二行 [STD 7.3.1]
        return items + mark + self._number(number_top, "center") + [rule], title_top

    def _double_rule(self, top: float, thick_first: bool) -> tuple[list[Rule], float]:
        cfg = self.cfg
        half = cfg.letter_rule_len_mm * MM / 2
        widths = [cfg.letter_thick_mm * MM, cfg.letter_thin_mm * MM]
        if not thick_first:
            widths.reverse()
        first = Rule(self.centre - half, self.centre + half, top - widths[0] / 2, widths[0], cfg.red)
        second_top = top - widths[0] - cfg.letter_gap_mm * MM
        second = Rule(first.x0, first.x1, second_top - widths[1] / 2, widths[1], cfg.red)
        return [first, second], second_top - widths[1]

    def _letter_head(self) -> tuple[list, float]:
        cfg = self.cfg
        mark, mark_bottom = self._letterhead(cfg.page_h_mm * MM - cfg.letter_mark_top_mm * MM,
                                             cfg.letter_mark_size)
        rules, rule_bottom = self._double_rule(mark_bottom - 4 * MM, thick_first=True)
        number_top = rule_bottom - 7 / 8 * cfg.body_size               # [STD 10.1]
        items = mark + rules + self._number(number_top, "right")
        items += self._work_mark(cfg.baseline(number_top, cfg.body_size))
        title_top = number_top - cfg.body_size - cfg.gap - 2 * cfg.pitch  # 相距二行
        if not (self.spec.number_text or self.spec.mark):  # nothing under the rule: no band
            title_top = rule_bottom - cfg.gap - 2 * cfg.pitch
        return items, title_top

    def letter_bottom_rule(self) -> list[Rule]:
        """Page 1 of a 信函: thin-over-thick double rule 20 mm above the paper edge."""
        cfg = self.cfg
        height = (cfg.letter_thick_mm + cfg.letter_gap_mm + cfg.letter_thin_mm) * MM
        rules, _bottom = self._double_rule(cfg.letter_bottom_rule_mm * MM + height, thick_first=False)
        return rules

    def _title(self, em_top: float) -> tuple[list[TextRun], float]:
        cfg, size = self.cfg, self.cfg.title_size
        lines = self.shaper.title(self.spec.title, cfg.width, size, "标题")
        runs: list[TextRun] = []
        for i, line in enumerate(lines):
            top = em_top - i * cfg.title_pitch
            runs += self.shaper.natural_runs(line, Role.XIAOBIAOSONG, size, self.centre,
                                             cfg.baseline(top, size), "标题", align="center")
        return runs, em_top - (len(lines) - 1) * cfg.title_pitch - size

    # --- 版记 ------------------------------------------------------------------------
    def _imprint_lines(self, label: str, names: tuple[str, ...]) -> list[list[TextRun]]:
        """"抄送：A，B。" in 4号, 1 字 in from both sides, wrapped under the first name."""
        cfg, size = self.cfg, self.cfg.small_size
        text = f"{label}：" + "，".join(n.rstrip("，。,. ") for n in names) + "。"
        lines = self.shaper.set_paragraph(text, cfg.width - 2 * size, size, size, label,
                                          0.0, (len(label) + 1) * size)
        return [self.shaper.line_runs(line, cfg.x0 + size, 0.0, size, size, label) for line in lines]

    def _printed_row(self) -> list[TextRun]:
        cfg, spec, size = self.cfg, self.spec, self.cfg.small_size
        when = format_cn_date(spec.printed_on or spec.date) + "印发"
        return (self.shaper.natural_runs(spec.printed_by or spec.office, Role.FANGSONG, size,
                                         cfg.x0 + size, 0.0, "印发机关")
                + self.shaper.natural_runs(when, Role.FANGSONG, size, cfg.x1 - size, 0.0,
                                           "印发日期", align="right"))

    def imprint(self) -> tuple[list, float]:
        """版记 items on the last page and the y of its top; nothing for forms."""
        spec, cfg = self.spec, self.cfg
        if spec.format is LetterFormat.FORM:
            return [], cfg.y_bottom
        rows = [line for label, names in (("抄报", spec.report_to), ("抄送", spec.cc)) if names
                for line in self._imprint_lines(label, names)]
        printed = spec.format is LetterFormat.FILE
        if printed:
            rows.append(self._printed_row())
        if not rows:
            return [], cfg.y_bottom
        if len(rows) > cfg.max_rows - 2:
            raise ValidationError("cc", "抄送、抄报单位过多，版记超过一页；请精简或改为附件列出")
        row_h, size = cfg.pitch, cfg.small_size
        items: list = []
        for k, runs in enumerate(reversed(rows)):  # bottom-up from the 版心 bottom
            centre = cfg.y_bottom + (k + 0.5) * row_h  # em box centred in its row
            items += [r.moved(dy=cfg.baseline(centre + size / 2, size)) for r in runs]
        top = cfg.y_bottom + len(rows) * row_h
        if printed:  # letters have no 版记 rules [STD 10.1]
            thick, thin = cfg.imprint_thick_mm * MM, cfg.imprint_thin_mm * MM
            items += [Rule(cfg.x0, cfg.x1, cfg.y_bottom + thick / 2, thick),
                      Rule(cfg.x0, cfg.x1, top - thick / 2, thick)]
            if len(rows) > 1:
                items.append(Rule(cfg.x0, cfg.x1, cfg.y_bottom + row_h, thin))
        return items, top

    # --- page numbers ----------------------------------------------------------------
    def page_number(self, number: int) -> list[TextRun]:
        """"— 1 —", 4号宋体, dash 7 mm below the 版心, odd right / even left [STD 7.5]."""
        cfg, size = self.cfg, self.cfg.small_size
        dash = self.shaper.font(Role.SONGTI, "—", "页码")
        dash_mid = dash.dash_mid if dash else 0.36
        baseline = cfg.y_bottom - cfg.page_number_gap_mm * MM - dash_mid * size
        odd = number % 2 == 1
        x, align = (cfg.x1 - size, "right") if odd else (cfg.x0 + size, "left")
        return self.shaper.natural_runs(f"— {number} —", Role.SONGTI, size, x, baseline, "页码",
                                        align=align)
