import * as fs from 'node:fs';
import * as path from 'node:path';
import { readReportInput, type CloudAssemblyInput } from './assembly';
import { architectureDiagram } from './diagram';
import { buildEvidence, resourceStatuses, type BuildEvidenceOptions, type Evidence } from './evidence';
import { resourceKey } from './order';
import { renderHtml } from './html';
import { renderMarkdown } from './markdown';
import type { Lang } from './words';

export * from './assembly';
export * from './evidence';
export * from './html';
export * from './markdown';
export { ReportInputError, parseTemplate } from './templates';
export { evidenceSchema } from './schema';

export type ReportFormat = 'json' | 'md' | 'html';
export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'md', 'html'];
export const REPORT_LANGS: readonly Lang[] = ['fr', 'en'];

/** The repository root, where the runbooks the report links live. */
const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface WriteReportOptions extends BuildEvidenceOptions {
  readonly formats?: readonly ReportFormat[];
  readonly langs?: readonly Lang[];
}

/** The evidence as JSON: stable key order (the schema's), two-space indent, final newline. */
export const evidenceJson = (evidence: Evidence) => `${JSON.stringify(evidence, null, 2)}\n`;

/** The architecture diagram of the input, coloured by the worst control status of each resource. */
export function diagramOf(input: CloudAssemblyInput, evidence: Evidence, lang: Lang): Promise<string> {
  const statuses = resourceStatuses(evidence);
  return architectureDiagram(input.stacks, (stack, logicalId) => statuses.get(resourceKey({ stack, logicalId })), lang);
}

/**
 * Writes the report of a cloud assembly or of templates into `outDir`: `evidence.json` (one, the
 * language-neutral data), and per language `evidence.<lang>.md`, `evidence.<lang>.html` and
 * `architecture.<lang>.svg` (linked by the Markdown, embedded in the HTML).
 */
export async function writeReport(
  inputs: readonly string[],
  outDir: string,
  options: WriteReportOptions & { readonly region?: string } = {},
): Promise<{ evidence: Evidence; files: string[] }> {
  const input = readReportInput(inputs, { region: options.region });
  const evidence = buildEvidence(input, options);
  const formats = options.formats ?? REPORT_FORMATS;
  const langs = options.langs ?? REPORT_LANGS;
  fs.mkdirSync(outDir, { recursive: true });
  const runbookHref = (p: string) => path.relative(outDir, path.join(REPO_ROOT, p)).split(path.sep).join('/');
  const files: [string, string][] = [];
  if (formats.includes('json')) files.push(['evidence.json', evidenceJson(evidence)]);
  for (const lang of langs) {
    const needsDiagram = formats.includes('md') || formats.includes('html');
    const svg = needsDiagram ? await diagramOf(input, evidence, lang) : undefined;
    if (formats.includes('md')) {
      files.push([`architecture.${lang}.svg`, svg!]);
      files.push([`evidence.${lang}.md`, renderMarkdown(evidence, lang, { runbookHref, diagramFile: `architecture.${lang}.svg` })]);
    }
    if (formats.includes('html')) files.push([`evidence.${lang}.html`, renderHtml(evidence, lang, { runbookHref, diagramSvg: svg })]);
  }
  const written = files.map(([name, content]) => {
    const file = path.join(outDir, name);
    fs.writeFileSync(file, content);
    return file;
  });
  return { evidence, files: written };
}

/** Writes the full report (every format, both languages) into `<assembly>/evidence/`, as `npm run synth` does. */
export function writeEvidence(assemblyDir: string, outDir = path.join(assemblyDir, 'evidence')): Promise<{ evidence: Evidence; files: string[] }> {
  return writeReport([assemblyDir], outDir);
}
