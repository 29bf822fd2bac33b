import { reportDocument, type Block, type DocumentOptions, type Inline, type Text } from './document';
import type { Evidence } from './schema';
import type { Lang } from './words';

export type { Lang };

export interface MarkdownOptions extends DocumentOptions {
  /** File name of the diagram SVG the Markdown links (it cannot embed it). */
  readonly diagramFile?: string;
}

/** Markdown table cells and inline text: pipes and newlines would break the table. */
const cell = (text: string) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const codeSpan = (text: string) => {
  const clean = cell(text);
  const ticks = clean.includes('`') ? '``' : '`';
  return `${ticks}${ticks.length > 1 ? ' ' : ''}${clean}${ticks.length > 1 ? ' ' : ''}${ticks}`;
};

function inline(i: Inline): string {
  if (typeof i === 'string') return cell(i);
  switch (i.kind) {
    case 'code':
      return codeSpan(i.text);
    case 'strong':
      return `**${cell(i.text)}**`;
    case 'link':
      return `[${cell(i.text)}](${i.href})`;
    case 'status':
      return i.status === 'met' ? cell(i.text) : `**${cell(i.text)}**`;
  }
}

const text = (t: Text): string => (Array.isArray(t) ? (t as readonly Inline[]).map(inline).join('') : inline(t as Inline));

function block(b: Block, options: MarkdownOptions): string[] {
  switch (b.kind) {
    case 'heading':
      // An explicit anchor: the links of the controls table do not depend on how a viewer slugs headings.
      return [`${'#'.repeat(b.level)} <a id="${b.id}"></a>${b.text}`, ''];
    case 'paragraph':
      return [text(b.text), ''];
    case 'list':
      return [...b.items.map((item) => `- ${text(item)}`), ''];
    case 'table':
      return [
        ...(b.caption ? [`**${b.caption}**`, ''] : []),
        `| ${b.header.join(' | ')} |`,
        `|${b.header.map(() => '---').join('|')}|`,
        ...b.rows.map((row) => `| ${row.map(text).join(' | ')} |`),
        '',
      ];
    case 'diagram':
      return options.diagramFile ? [`![](${options.diagramFile})`, ''] : [];
  }
}

/** Renders the evidence as Markdown in one language. */
export function renderMarkdown(evidence: Evidence, lang: Lang, options: MarkdownOptions = {}): string {
  const lines = reportDocument(evidence, lang, { ...options, diagram: options.diagramFile !== undefined }).flatMap((b) => block(b, options));
  return `${lines.join('\n').trimEnd()}\n`;
}
