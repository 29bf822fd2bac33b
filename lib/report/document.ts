import type { ControlStatus, Evidence } from './schema';
import { referencesOf, WORDS, type Lang } from './words';

/** Inline text of the report: plain, code, strong, a link, or a control status (coloured in HTML). */
export type Inline =
  | string
  | { readonly kind: 'code'; readonly text: string }
  | { readonly kind: 'strong'; readonly text: string }
  | { readonly kind: 'link'; readonly text: string; readonly href: string }
  | { readonly kind: 'status'; readonly status: ControlStatus; readonly text: string };
export type Text = Inline | readonly Inline[];

/** The report as a list of blocks, rendered to Markdown or HTML: both formats say exactly the same. */
export type Block =
  | { readonly kind: 'heading'; readonly level: 1 | 2 | 3; readonly id: string; readonly text: string }
  | { readonly kind: 'paragraph'; readonly text: Text }
  | { readonly kind: 'list'; readonly items: readonly Text[] }
  | { readonly kind: 'table'; readonly caption?: string; readonly header: readonly string[]; readonly rows: readonly (readonly Text[])[] }
  | { readonly kind: 'diagram' };

export interface DocumentOptions {
  /** Link target of a runbook (path relative to the repository root), as the output location needs it. */
  readonly runbookHref?: (path: string) => string;
  /** Whether the report has the architecture diagram (HTML embeds it; Markdown links `diagramFile`). */
  readonly diagram?: boolean;
}

const code = (text: string): Inline => ({ kind: 'code', text });
const strong = (text: string): Inline => ({ kind: 'strong', text });

/** Builds the report's blocks from the evidence, in one language. */
export function reportDocument(evidence: Evidence, lang: Lang, options: DocumentOptions = {}): Block[] {
  const w = WORDS[lang];
  const s = evidence.summary;
  const status = (st: ControlStatus): Inline => ({ kind: 'status', status: st, text: w.statuses[st] });
  const blocks: Block[] = [{ kind: 'heading', level: 1, id: 'report', text: w.title }];
  const opts = evidence.input.checkOptions;
  blocks.push({
    kind: 'list',
    items: [
      [`${w.generatedFrom}${w.colon} ${w.inputKinds[evidence.input.kind]} (`, ...evidence.input.sources.flatMap((f, i) => (i === 0 ? [code(f)] : [', ', code(f)])), ')'],
      [`${w.checkOptions}${w.colon} ${w.allowedRegions} ${opts.allowedRegions.join(', ')}; ${w.traceDays} ${opts.minTraceRetentionDays} (${w.optionSources[opts.from]})`],
      `${w.schemaVersion}${w.colon} ${evidence.schemaVersion}`,
    ],
  });

  blocks.push({ kind: 'heading', level: 2, id: 'summary', text: w.summary });
  blocks.push({
    kind: 'list',
    items: [
      [`${w.verdict}${w.colon} `, strong(w.verdicts[s.verdict])],
      `${w.regions}${w.colon} ${s.regions.length > 0 ? s.regions.join(', ') : w.noRegion}`,
      [
        `${w.statusCounts}${w.colon} `,
        ...(Object.entries(s.statusCounts) as [ControlStatus, number][]).flatMap(([st, n], i) => [...(i > 0 ? ['; '] : []), status(st), ` ${n}`]),
      ],
    ],
  });
  blocks.push({
    kind: 'table',
    caption: w.stacks,
    header: w.stackHeader,
    rows: s.stacks.map((st) => [code(st.name), st.account ?? w.notStated, st.region ?? w.notStated, String(st.resources)]),
  });
  if (s.checks.length > 0) {
    blocks.push({ kind: 'table', caption: w.checks, header: w.checkHeader, rows: s.checks.map((c) => [c.plugin, c.conclusion, String(c.unacknowledged), String(c.acknowledged)]) });
  }
  blocks.push({
    kind: 'table',
    caption: w.controlsTable,
    header: w.controlsHeader,
    rows: evidence.controls.map((c) => [{ kind: 'link', text: c.id, href: `#${c.id.toLowerCase()}` }, c.title[lang], w.severities[c.severity], status(c.status)]),
  });

  if (options.diagram) {
    blocks.push({ kind: 'heading', level: 2, id: 'diagram', text: w.diagram }, { kind: 'diagram' });
  }

  blocks.push({ kind: 'heading', level: 2, id: 'data-location', text: w.dataLocations });
  blocks.push({
    kind: 'table',
    header: w.dataHeader,
    rows: evidence.dataLocations.map((d) => [code(d.stack), code(d.logicalId ?? ''), d.type, d.region ?? w.notStated]),
  });

  blocks.push({ kind: 'heading', level: 2, id: 'transfers', text: w.transfers });
  blocks.push({
    kind: 'table',
    caption: w.actors,
    header: w.actorsHeader,
    rows: evidence.actors.map((a) => [
      a.name,
      w.roles[a.role],
      a.hdsCertified ? w.yes : w.no,
      a.secNumCloud ? w.yes : w.no,
      a.activities.join(', '),
      a.accessFromOutsideEea[lang],
      a.thirdCountryLaw[lang],
    ]),
  });
  if (evidence.transfers.length === 0) {
    blocks.push({ kind: 'paragraph', text: [strong(w.movements), `${w.colon} ${w.noTransfer}`] });
  } else {
    blocks.push({
      kind: 'table',
      caption: w.movements,
      header: w.transferHeader,
      rows: evidence.transfers.map((t) => [code(t.stack), code(t.logicalId ?? ''), w.transferKinds[t.kind], code(t.destination), t.destinationRegion ?? w.notStated]),
    });
  }

  blocks.push({ kind: 'heading', level: 2, id: 'controls', text: w.controls });
  for (const c of evidence.controls) {
    blocks.push({ kind: 'heading', level: 3, id: c.id.toLowerCase(), text: `${c.id} · ${c.title[lang]}` });
    const items: Text[] = [
      [`${w.status}${w.colon} `, status(c.status)],
      `${w.basis}${w.colon} ${w.bases[c.basis]}${c.note ? `. ${c.note[lang]}` : ''}`,
      `${w.references}${w.colon} ${referencesOf(c).join(', ')}`,
    ];
    blocks.push({ kind: 'list', items });
    if (c.rules.length > 0) {
      blocks.push({
        kind: 'table',
        caption: w.rules,
        header: w.rulesHeader,
        rows: c.rules.map((r) => [code(r.rule), String(r.compliant), String(r.notMet), String(r.acknowledged), String(r.notEvaluated)]),
      });
    }
    if (c.resources.length > 0) {
      blocks.push({
        kind: 'table',
        caption: w.resources,
        header: w.resourcesHeader,
        rows: c.resources.map((r) => [code(r.stack), r.logicalId ? code(r.logicalId) : w.stackItself, r.type, r.path ? code(r.path) : '', status(r.status)]),
      });
    }
    if (c.findings.length > 0) {
      blocks.push({
        kind: 'table',
        caption: w.findings,
        header: w.findingsHeader,
        rows: c.findings.map((f) => [
          code(f.rule),
          [code(f.stack), '/', f.logicalId ? code(f.logicalId) : w.stackItself],
          status(f.outcome),
          f.message,
          f.reason ?? '',
        ]),
      });
    }
  }

  blocks.push({ kind: 'heading', level: 2, id: 'acknowledgements', text: w.acknowledgements });
  if (evidence.acknowledgements.length === 0) blocks.push({ kind: 'paragraph', text: w.noAcknowledgement });
  else {
    blocks.push({
      kind: 'table',
      header: w.ackHeader,
      rows: evidence.acknowledgements.map((a) => [
        a.plugin,
        code(a.rule),
        a.control ?? '',
        a.compensatingControl ?? '',
        a.reason,
        a.constructPaths.flatMap((p, i) => (i === 0 ? [code(p)] : [', ', code(p)])),
      ]),
    });
  }

  blocks.push({ kind: 'heading', level: 2, id: 'runbooks', text: w.runbooks });
  blocks.push({
    kind: 'list',
    items: evidence.runbooks.map((r) => ({ kind: 'link', text: `${w.runbookTopics[r.topic]} (${r.path})`, href: options.runbookHref?.(r.path) ?? r.path })),
  });
  return blocks;
}
