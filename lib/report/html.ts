import { reportDocument, type Block, type DocumentOptions, type Inline, type Text } from './document';
import type { ControlStatus, Evidence } from './schema';
import { WORDS, type Lang } from './words';

export interface HtmlOptions extends DocumentOptions {
  /** The architecture diagram, as a standalone SVG document, embedded inline. */
  readonly diagramSvg?: string;
}

export const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Status marks readable without colour (printed in black and white). */
const MARKS: Record<ControlStatus, string> = { met: '✔', 'not-met': '✖', acknowledged: '!', 'not-applicable': '–', 'not-evaluated': '?' };

function inline(i: Inline): string {
  if (typeof i === 'string') return escapeHtml(i);
  switch (i.kind) {
    case 'code':
      return `<code>${escapeHtml(i.text)}</code>`;
    case 'strong':
      return `<strong>${escapeHtml(i.text)}</strong>`;
    case 'link':
      return `<a href="${escapeHtml(i.href)}">${escapeHtml(i.text)}</a>`;
    case 'status':
      return `<span class="status ${i.status}"><span aria-hidden="true">${MARKS[i.status]}</span> ${escapeHtml(i.text)}</span>`;
  }
}

const text = (t: Text): string => (Array.isArray(t) ? (t as readonly Inline[]).map(inline).join('') : inline(t as Inline));

/** The SVG without its XML prolog and doctype, to sit inside the HTML document. */
const inlineSvg = (svg: string) => svg.replace(/^[\s\S]*?(<svg\b)/, '$1');

function block(b: Block, options: HtmlOptions, lang: Lang): string {
  switch (b.kind) {
    case 'heading':
      return `<h${b.level} id="${escapeHtml(b.id)}">${escapeHtml(b.text)}</h${b.level}>`;
    case 'paragraph':
      return `<p>${text(b.text)}</p>`;
    case 'list':
      return `<ul>\n${b.items.map((item) => `  <li>${text(item)}</li>`).join('\n')}\n</ul>`;
    case 'table':
      return [
        '<table>',
        ...(b.caption ? [`  <caption>${escapeHtml(b.caption)}</caption>`] : []),
        `  <thead><tr>${b.header.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>`,
        '  <tbody>',
        ...b.rows.map((row) => `    <tr>${row.map((c, i) => (i === 0 ? `<th scope="row">${text(c)}</th>` : `<td>${text(c)}</td>`)).join('')}</tr>`),
        '  </tbody>',
        '</table>',
      ].join('\n');
    case 'diagram':
      return options.diagramSvg ? `<figure role="img" aria-label="${escapeHtml(WORDS[lang].diagram)}">\n${inlineSvg(options.diagramSvg)}\n</figure>` : '';
  }
}

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.45; color: #1a1a1a; max-width: 78rem; margin: 2rem auto; padding: 0 1rem; }
h1 { border-bottom: 3px solid #1a1a1a; } h2 { border-bottom: 1px solid #999; margin-top: 2.2rem; } h3 { margin-top: 1.8rem; }
table { border-collapse: collapse; margin: 0.8rem 0 1.2rem; width: 100%; font-size: 0.9rem; }
caption { text-align: left; font-weight: 600; padding: 0.3rem 0; }
th, td { border: 1px solid #888; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: #e8e8e8; } tbody th { font-weight: normal; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.85em; word-break: break-all; }
.status { font-weight: 600; padding: 0 0.3rem; border-radius: 3px; white-space: nowrap; }
.status.met { background: #d9f2dd; color: #0b5d1e; } .status.not-met { background: #fbd9d6; color: #8a1006; }
.status.acknowledged { background: #ffe9c7; color: #7a4a00; } .status.not-evaluated { background: #e6e6e6; color: #333; }
.status.not-applicable { background: #f3f3f3; color: #555; }
figure { margin: 1rem 0; overflow-x: auto; } figure svg { max-width: 100%; height: auto; }
@media print { body { margin: 0; max-width: none; } h2, h3 { break-after: avoid; } tr { break-inside: avoid; } a { color: inherit; } .status { border: 1px solid #000; } }
`;

/** Renders the evidence as one self-contained HTML document (no script, no external asset) in one language. */
export function renderHtml(evidence: Evidence, lang: Lang, options: HtmlOptions = {}): string {
  const blocks = reportDocument(evidence, lang, { ...options, diagram: options.diagramSvg !== undefined });
  return [
    '<!DOCTYPE html>',
    `<html lang="${lang}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(WORDS[lang].title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    ...blocks.map((b) => block(b, options, lang)).filter((s) => s !== ''),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
