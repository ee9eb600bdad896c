"""A tiny document model rendered to both Markdown and standalone HTML.

The reproduction report is built once as a list of blocks (headings,
paragraphs, tables, figures, lists, preformatted text) and rendered twice, so
``report.md`` and ``report.html`` can never disagree and no Markdown parser is
needed.  Inline markup is limited to ``code`` and **bold**.
"""
from __future__ import annotations

import html
import re

_INLINE = re.compile(r"(`[^`]+`|\*\*[^*]+\*\*)")


def _inline_html(text: str) -> str:
    out = []
    for part in _INLINE.split(str(text)):
        if part.startswith("`") and part.endswith("`") and len(part) > 1:
            out.append(f"<code>{html.escape(part[1:-1])}</code>")
        elif part.startswith("**") and part.endswith("**") and len(part) > 3:
            out.append(f"<strong>{html.escape(part[2:-2])}</strong>")
        else:
            out.append(html.escape(part))
    return "".join(out)


def _cell_md(value) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


class Document:
    """An ordered list of blocks; ``to_markdown()`` and ``to_html()`` render it."""

    def __init__(self, title: str):
        self.title = title
        self.blocks: list[tuple] = []

    def heading(self, text: str, level: int = 2) -> "Document":
        self.blocks.append(("heading", int(level), str(text)))
        return self

    def para(self, text: str) -> "Document":
        self.blocks.append(("para", str(text)))
        return self

    def bullets(self, items) -> "Document":
        self.blocks.append(("bullets", [str(i) for i in items]))
        return self

    def table(self, header, rows) -> "Document":
        header = [str(h) for h in header]
        rows = [[str(c) for c in r] for r in rows]
        for r in rows:
            if len(r) != len(header):
                raise ValueError(f"table row has {len(r)} cells, the header {len(header)}: {r}")
        self.blocks.append(("table", header, rows))
        return self

    def figure(self, path: str, caption: str) -> "Document":
        self.blocks.append(("figure", str(path), str(caption)))
        return self

    def pre(self, text: str) -> "Document":
        self.blocks.append(("pre", str(text)))
        return self

    def section_names(self) -> list[str]:
        return [b[2] for b in self.blocks if b[0] == "heading" and b[1] == 2]

    def to_markdown(self) -> str:
        out = [f"# {self.title}", ""]
        for b in self.blocks:
            kind = b[0]
            if kind == "heading":
                out += ["#" * b[1] + " " + b[2], ""]
            elif kind == "para":
                out += [b[1], ""]
            elif kind == "bullets":
                out += [f"- {i}" for i in b[1]] + [""]
            elif kind == "table":
                out.append("| " + " | ".join(_cell_md(h) for h in b[1]) + " |")
                out.append("|" + "---|" * len(b[1]))
                out += ["| " + " | ".join(_cell_md(c) for c in r) + " |" for r in b[2]]
                out.append("")
            elif kind == "figure":
                out += [f"![{b[2]}]({b[1]})", "", f"*{b[2]}*", ""]
            elif kind == "pre":
                out += ["```", b[1].rstrip("\n"), "```", ""]
        return "\n".join(out)

    def to_html(self) -> str:
        body = [f"<h1>{html.escape(self.title)}</h1>"]
        for b in self.blocks:
            kind = b[0]
            if kind == "heading":
                body.append(f"<h{b[1]}>{_inline_html(b[2])}</h{b[1]}>")
            elif kind == "para":
                body.append(f"<p>{_inline_html(b[1])}</p>")
            elif kind == "bullets":
                body.append("<ul>" + "".join(f"<li>{_inline_html(i)}</li>" for i in b[1]) + "</ul>")
            elif kind == "table":
                head = "".join(f"<th>{_inline_html(h)}</th>" for h in b[1])
                rows = "".join("<tr>" + "".join(f"<td>{_inline_html(c)}</td>" for c in r) + "</tr>" for r in b[2])
                body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
            elif kind == "figure":
                body.append(f'<figure><img src="{html.escape(b[1], quote=True)}" alt="{html.escape(b[2], quote=True)}">'
                            f"<figcaption>{_inline_html(b[2])}</figcaption></figure>")
            elif kind == "pre":
                body.append(f"<pre>{html.escape(b[1])}</pre>")
        style = ("body{font-family:sans-serif;max-width:70em;margin:2em auto;line-height:1.4}"
                 "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:2px 8px;"
                 "text-align:left}img{max-width:100%}code,pre{background:#f4f4f4}")
        return (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{html.escape(self.title)}</title>"
                f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")
