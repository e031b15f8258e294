"""Report rendering shared by the sweep and calibration reports: sections to HTML and Markdown.

A report is a list of :class:`Section`; ``write_sections`` writes a self-contained
``report.html`` (figures embedded), ``report.md`` and the figures as PNG files.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from model.outputs import atomic_write


@dataclass
class Section:
    """A report section: a title, paragraphs, tables (HTML and Markdown), figures."""

    title: str
    text: list[str] = field(default_factory=list)
    tables: list[pd.DataFrame] = field(default_factory=list)
    figures: list[tuple[str, bytes]] = field(default_factory=list)  # (file name, PNG)


def png_bytes(fig) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return buf.getvalue()


def pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _fmt_table(df: pd.DataFrame) -> pd.DataFrame:
    return df.apply(lambda c: c.map(lambda v: f"{v:,.4g}" if isinstance(v, float) else v))


def render_html(title: str, sections: list[Section]) -> str:
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>",
        "body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em}",
        "table{border-collapse:collapse;font-size:0.85em;margin:0.8em 0}",
        "td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}",
        "img{max-width:100%}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    for sec in sections:
        parts.append(f"<h2>{html.escape(sec.title)}</h2>")
        parts += [f"<p>{t}</p>" for t in sec.text]
        for name, png in sec.figures:
            data = base64.b64encode(png).decode()
            parts.append(f"<img alt='{name}' src='data:image/png;base64,{data}'>")
        parts += [_fmt_table(t).to_html(index=False, escape=True) for t in sec.tables]
    parts.append("</body></html>")
    return "\n".join(parts)


def render_md(title: str, sections: list[Section]) -> str:
    lines = [f"# {title}", ""]
    for sec in sections:
        lines += [f"## {sec.title}", ""]
        for t in sec.text:
            lines += [t.replace("<b>", "**").replace("</b>", "**"), ""]
        for name, _ in sec.figures:
            lines += [f"![{name}](figures/{name})", ""]
        for t in sec.tables:
            lines += [_md_table(_fmt_table(t)), ""]
    return "\n".join(lines)


def _md_table(df: pd.DataFrame) -> str:
    """A Markdown pipe table."""
    head = "| " + " | ".join(map(str, df.columns)) + " |"
    rule = "|" + "---|" * len(df.columns)
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def write_sections(out_dir: Path, title: str, sections: list[Section]) -> tuple[Path, Path]:
    """Write report.html (self-contained), report.md and figures/ into ``out_dir``."""
    figures = out_dir / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    for sec in sections:
        for name, png in sec.figures:
            atomic_write(figures / name, lambda tmp, data=png: tmp.write_bytes(data))
    html_path, md_path = out_dir / "report.html", out_dir / "report.md"
    html_text, md_text = render_html(title, sections), render_md(title, sections)
    atomic_write(html_path, lambda tmp: tmp.write_text(html_text, encoding="utf-8"))
    atomic_write(md_path, lambda tmp: tmp.write_text(md_text, encoding="utf-8"))
    return html_path, md_path
