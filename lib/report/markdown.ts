import type { Evidence, EvidenceStatus } from './evidence';

export type Lang = 'fr' | 'en';

/** Every fixed phrase of the report, in both languages (no mixed-language sentences). */
const WORDS = {
  fr: {
    colon: ' :',
    title: 'Rapport de preuves HDS',
    summary: 'Synthèse',
    verdict: 'Verdict des contrôles automatiques',
    verdicts: {
      pass: 'conforme : aucun écart non justifié',
      fail: 'non conforme : des écarts ne sont pas justifiés',
      'checks-not-run': 'contrôles non exécutés',
    },
    regions: 'Régions',
    stacks: 'Piles CloudFormation',
    resources: 'ressources',
    checks: 'Contrôles exécutés à la synthèse',
    checkHeader: '| Contrôle | Conclusion | Écarts non justifiés | Écarts justifiés |',
    statusCounts: 'Statuts des exigences',
    controls: 'Exigences, une par une',
    status: 'Statut',
    references: 'Références',
    implementedBy: 'Mise en œuvre par',
    none: 'aucune ressource',
    acknowledgements: 'Écarts justifiés',
    dataLocations: 'Localisation des données (EXI 28)',
    dataHeader: '| Pile | Ressource | Type | Région |',
    transfers: 'Transferts et copies de données (EXI 31)',
    noTransfer: 'Aucune copie ni réplication de données vers un autre emplacement.',
    transferHeader: '| Pile | Ressource | Nature | Destination | Région de destination |',
    transferKinds: { 'backup-copy': 'copie de sauvegarde', 's3-replication': 'réplication S3' },
    unknownRegion: 'non indiquée dans le modèle',
    statuses: {
      provisioned: 'mise en œuvre (évaluation par le jeu de règles HDS à venir)',
      acknowledged: 'écart justifié',
      'not-evaluated': 'non évaluée',
    } satisfies Record<EvidenceStatus, string>,
    reason: 'motif',
  },
  en: {
    colon: ':',
    title: 'HDS evidence report',
    summary: 'Summary',
    verdict: 'Verdict of the automated checks',
    verdicts: {
      pass: 'pass: no unacknowledged finding',
      fail: 'fail: some findings are not acknowledged',
      'checks-not-run': 'checks not run',
    },
    regions: 'Regions',
    stacks: 'CloudFormation stacks',
    resources: 'resources',
    checks: 'Checks run at synth',
    checkHeader: '| Check | Conclusion | Unacknowledged findings | Acknowledged findings |',
    statusCounts: 'Control statuses',
    controls: 'Controls, one by one',
    status: 'Status',
    references: 'References',
    implementedBy: 'Implemented by',
    none: 'no resource',
    acknowledgements: 'Acknowledged findings',
    dataLocations: 'Data location (EXI 28)',
    dataHeader: '| Stack | Resource | Type | Region |',
    transfers: 'Data transfers and copies (EXI 31)',
    noTransfer: 'No copy or replication of data to another place.',
    transferHeader: '| Stack | Resource | Kind | Destination | Destination region |',
    transferKinds: { 'backup-copy': 'backup copy', 's3-replication': 'S3 replication' },
    unknownRegion: 'not stated in the template',
    statuses: {
      provisioned: 'provisioned (evaluation by the HDS rule pack to come)',
      acknowledged: 'acknowledged finding',
      'not-evaluated': 'not evaluated',
    } satisfies Record<EvidenceStatus, string>,
    reason: 'reason',
  },
} as const;

/** Renders the evidence as Markdown in one language. */
export function renderMarkdown(evidence: Evidence, lang: Lang): string {
  const w = WORDS[lang];
  const s = evidence.summary;
  const lines: string[] = [`# ${w.title}`, '', `## ${w.summary}`, ''];
  lines.push(`- ${w.verdict}${w.colon} **${w.verdicts[s.verdict]}**`);
  lines.push(`- ${w.regions}${w.colon} ${s.regions.join(', ')}`);
  lines.push(`- ${w.stacks}${w.colon} ${s.stacks.map((st) => `${st.name} (${st.region}, ${st.resources} ${w.resources})`).join('; ')}`);
  lines.push(
    `- ${w.statusCounts}${w.colon} ${(Object.entries(s.statusCounts) as [EvidenceStatus, number][])
      .map(([status, n]) => `${w.statuses[status]}${w.colon} ${n}`)
      .join('; ')}`,
  );
  lines.push('', `### ${w.checks}`, '', w.checkHeader, '|---|---|---|---|');
  for (const c of s.checks) lines.push(`| ${c.plugin} | ${c.conclusion} | ${c.unacknowledged} | ${c.acknowledged} |`);

  lines.push('', `## ${w.controls}`, '');
  for (const c of evidence.controls) {
    lines.push(`### ${c.id}: ${c.title[lang]}`, '');
    lines.push(`- ${w.status}${w.colon} **${w.statuses[c.status]}**`);
    const refs = [...c.references.hds, ...c.references.iso27001.map((r) => `ISO 27001 ${r}`), ...c.references.rgpd.map((r) => `RGPD ${r}`), ...c.references.other];
    lines.push(`- ${w.references}${w.colon} ${refs.join(', ')}`);
    lines.push(
      `- ${w.implementedBy}${w.colon} ${
        c.resources.length === 0 ? w.none : c.resources.map((r) => `\`${r.stack}/${r.logicalId}\` (${r.type})`).join(', ')
      }`,
    );
    for (const a of c.acknowledgements) {
      lines.push(`- ${w.acknowledgements}${w.colon} \`${a.rule}\` (${a.plugin}), ${w.reason}${w.colon} ${a.reason}`);
    }
    lines.push('');
  }

  lines.push(`## ${w.dataLocations}`, '', w.dataHeader, '|---|---|---|---|');
  for (const d of evidence.dataLocations) lines.push(`| ${d.stack} | ${d.logicalId} | ${d.type} | ${d.region} |`);
  lines.push('', `## ${w.transfers}`, '');
  if (evidence.transfers.length === 0) {
    lines.push(w.noTransfer, '');
  } else {
    lines.push(w.transferHeader, '|---|---|---|---|---|');
    for (const t of evidence.transfers) {
      lines.push(`| ${t.stack} | ${t.logicalId} | ${w.transferKinds[t.kind]} | \`${t.destination}\` | ${t.destinationRegion ?? w.unknownRegion} |`);
    }
    lines.push('');
  }

  lines.push(`## ${w.acknowledgements}`, '');
  for (const a of evidence.acknowledgements) {
    lines.push(`- \`${a.rule}\` (${a.plugin}) ${a.constructPaths.map((p) => `\`${p}\``).join(', ')}${w.colon} ${a.reason}`);
  }
  lines.push('');
  return lines.join('\n');
}
