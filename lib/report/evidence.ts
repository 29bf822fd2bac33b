import { CATALOGUE } from '../../policies/catalogue';
import type { Control } from '../../policies/catalogue-types';
import { HDS_PLUGIN_NAME } from '../../policies/hds-checks';
import { controlOfRuleId, DEFAULT_CHECK_OPTIONS, ruleIdsOf, type HdsCheckOptions } from '../../policies/rules';
import { AWS_HOST, type HostingActor } from '../config/schema';
import { CONTROLS_METADATA_KEY, PLATFORM_METADATA_KEY } from '../controls';
import type { CloudAssemblyInput, PluginReport, ReportedViolation, StackArtifact, TemplateResource } from './assembly';
import type { RuleResult } from '../../policies/evaluate';
import { evaluateStacks } from './evaluate';
import { byText, resourceKey } from './order';
import {
  EVIDENCE_SCHEMA_VERSION,
  evidenceSchema,
  type AcknowledgementEvidence,
  type ControlEvidence,
  type ControlStatus,
  type Evidence,
  type Finding,
  type ResourceRef,
  type Transfer,
} from './schema';

export { EVIDENCE_SCHEMA_VERSION };
export type { AcknowledgementEvidence, ControlEvidence, ControlStatus, Evidence, Finding, ResourceRef, Transfer };

/** Runbooks the report links (DET-04), relative to the repository root. */
export const RUNBOOKS = [
  { topic: 'incident', path: 'docs/runbooks/incident.md' },
  { topic: 'restore', path: 'docs/runbooks/restore.md' },
  { topic: 'key-compromise', path: 'docs/runbooks/key-compromise.md' },
  { topic: 'reversibility', path: 'docs/runbooks/reversibility.md' },
] as const;

/** Resource types that store data, for the data location statement (EXI 28). */
const DATA_STORE_TYPES = new Set([
  'AWS::S3::Bucket',
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::EFS::FileSystem',
  'AWS::Backup::BackupVault',
  'AWS::Logs::LogGroup',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::OpenSearchService::Domain',
]);

function regionOfArn(value: unknown): string | undefined {
  return typeof value === 'string' ? /^arn:[^:]+:[^:]+:([a-z0-9-]+):/.exec(value)?.[1] : undefined;
}

const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** Every copy or replication of data that a resource declares (EXI 31). */
function transfersOf(base: ResourceRef, resource: TemplateResource): Transfer[] {
  const found: Transfer[] = [];
  const props = resource.Properties ?? {};
  if (resource.Type === 'AWS::Backup::BackupPlan') {
    const plan = props.BackupPlan as { BackupPlanRule?: { CopyActions?: { DestinationBackupVaultArn?: unknown }[] }[] } | undefined;
    for (const rule of plan?.BackupPlanRule ?? []) {
      for (const copy of rule.CopyActions ?? []) {
        const destination = copy.DestinationBackupVaultArn;
        found.push({ ...base, kind: 'backup-copy', destination: asText(destination), destinationRegion: regionOfArn(destination) });
      }
    }
  }
  if (resource.Type === 'AWS::S3::Bucket') {
    const replication = props.ReplicationConfiguration as { Rules?: { Destination?: { Bucket?: unknown } }[] } | undefined;
    for (const rule of replication?.Rules ?? []) {
      const destination = rule.Destination?.Bucket;
      found.push({ ...base, kind: 's3-replication', destination: asText(destination), destinationRegion: regionOfArn(destination) });
    }
  }
  if (resource.Type === 'AWS::DynamoDB::GlobalTable') {
    for (const replica of (props.Replicas as { Region?: unknown }[] | undefined) ?? []) {
      found.push({ ...base, kind: 'dynamodb-replica', destination: asText(replica.Region), destinationRegion: typeof replica.Region === 'string' ? replica.Region : undefined });
    }
  }
  return found.map((t) => (t.destinationRegion === undefined ? (({ destinationRegion: _, ...rest }) => rest)(t) : t));
}

function controlOfReason(reason: string): string | undefined {
  return /^\[([A-Z]+-\d{2})\]/.exec(reason)?.[1];
}


/** An accepted finding: from the validation report (synth), or from cdk-nag metadata a template carries. */
interface Accepted {
  readonly plugin: string;
  readonly rule: string;
  readonly reason: string;
  readonly constructPath: string;
}

function acceptedInAssembly(reports: readonly PluginReport[]): Accepted[] {
  return reports.flatMap((report) =>
    (report.suppressedViolations ?? []).flatMap((v: ReportedViolation) =>
      (v.violatingConstructs ?? []).map((c) => ({ plugin: report.pluginName, rule: v.ruleName, reason: v.reason ?? '', constructPath: c.constructPath })),
    ),
  );
}

/**
 * Suppressions that cdk-nag (v2, `writeNagSuppressionsToCloudFormation`) writes into templates:
 * `Metadata.cdk_nag.rules_to_suppress: [{ id, reason }]`. Honoured for HDS rules, and shown.
 */
function acceptedInTemplates(stacks: readonly StackArtifact[]): Accepted[] {
  const found: Accepted[] = [];
  for (const stack of stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      const entries = (resource.Metadata?.cdk_nag as { rules_to_suppress?: { id?: unknown; reason?: unknown }[] } | undefined)?.rules_to_suppress ?? [];
      for (const e of entries) {
        if (typeof e.id !== 'string') continue;
        found.push({ plugin: e.id.startsWith('HDS-') ? HDS_PLUGIN_NAME : 'cdk-nag', rule: e.id, reason: typeof e.reason === 'string' ? e.reason : '', constructPath: pathOf(stack, logicalId, resource) });
      }
    }
  }
  return found;
}

/** The construct path of a resource: the CDK one when the template records it, else `<stack>/<logical id>`. */
function pathOf(stack: StackArtifact, logicalId: string, resource: TemplateResource | undefined): string {
  const cdkPath = resource?.Metadata?.['aws:cdk:path'];
  return typeof cdkPath === 'string' ? cdkPath : (stack.paths?.[logicalId] ?? `${stack.name}/${logicalId}`);
}

function groupAcknowledgements(accepted: readonly Accepted[]): AcknowledgementEvidence[] {
  const grouped = new Map<string, AcknowledgementEvidence>();
  for (const a of accepted) {
    const key = JSON.stringify([a.plugin, a.rule, a.reason]);
    const existing = grouped.get(key);
    const control = controlOfRuleId(a.rule);
    const compensatingControl = controlOfReason(a.reason);
    grouped.set(key, {
      plugin: a.plugin,
      rule: a.rule,
      reason: a.reason,
      ...(control && { control }),
      ...(compensatingControl && { compensatingControl }),
      constructPaths: [...new Set([...(existing?.constructPaths ?? []), a.constructPath])].sort(byText),
    });
  }
  return [...grouped.values()].sort((a, b) => byText(a.plugin + a.rule + a.constructPaths.join(), b.plugin + b.rule + b.constructPaths.join()));
}

/** The options the rules judge with: stated by the platform's templates, else given, else the defaults. */
function checkOptionsOf(stacks: readonly StackArtifact[], given?: Partial<HdsCheckOptions>): Evidence['input']['checkOptions'] {
  if (given && (given.allowedRegions || given.minTraceRetentionDays)) {
    return { ...DEFAULT_CHECK_OPTIONS, ...given, allowedRegions: [...(given.allowedRegions ?? DEFAULT_CHECK_OPTIONS.allowedRegions)], from: 'command-line' };
  }
  const stated = stacks.map((s) => (s.template.Metadata?.[PLATFORM_METADATA_KEY] as { checks?: HdsCheckOptions } | undefined)?.checks).find((c) => c !== undefined);
  if (stated) return { allowedRegions: [...stated.allowedRegions], minTraceRetentionDays: stated.minTraceRetentionDays, from: 'templates' };
  return { allowedRegions: [...DEFAULT_CHECK_OPTIONS.allowedRegions], minTraceRetentionDays: DEFAULT_CHECK_OPTIONS.minTraceRetentionDays, from: 'defaults' };
}

function actorsOf(stacks: readonly StackArtifact[]): HostingActor[] {
  const stated = stacks
    .map((s) => (s.template.Metadata?.[PLATFORM_METADATA_KEY] as { hosting?: { actors?: HostingActor[] } } | undefined)?.hosting?.actors)
    .find((a) => a !== undefined);
  return (stated ?? [AWS_HOST as HostingActor]).map((a) => ({ ...a, activities: [...a.activities] }));
}

const STATUS_ORDER: readonly Finding['outcome'][] = ['not-met', 'acknowledged', 'not-evaluated'];
const worse = <T extends string>(order: readonly T[], a: T, b: T): T => (order.indexOf(a) <= order.indexOf(b) ? a : b);

const NOTES = {
  outsideTemplates: (c: Control) => ({
    fr: `Vérifiée hors des modèles CloudFormation (${c.checkedBy.map((k) => CHECKED_BY.fr[k]).join(', ')}) : ce rapport ne peut pas la juger.`,
    en: `Verified outside the CloudFormation templates (${c.checkedBy.map((k) => CHECKED_BY.en[k]).join(', ')}): this report cannot judge it.`,
  }),
  deployedAndTested: (c: Control) => ({
    fr: `Mise en œuvre par les ressources ci-dessous ; leur comportement est vérifié hors des modèles (${c.checkedBy.map((k) => CHECKED_BY.fr[k]).join(', ')} de hds-blueprint).`,
    en: `Implemented by the resources below; their behaviour is verified outside the templates (hds-blueprint's ${c.checkedBy.map((k) => CHECKED_BY.en[k]).join(', ')}).`,
  }),
  report: { fr: 'Établie par ce rapport lui-même.', en: 'Stated by this report itself.' },
  runbooks: { fr: 'Procédures liées par ce rapport (docs/runbooks/).', en: 'Procedures linked by this report (docs/runbooks/).' },
  notApplicable: {
    fr: "Aucune ressource des modèles n'est du type que visent les règles de cette exigence.",
    en: 'No resource of the templates is of a kind the rules of this control are about.',
  },
  providedElsewhere: {
    fr: "Aucune ressource de ces modèles ne la met en œuvre ; elle peut l'être hors de ces modèles (trace d'organisation, administrateur délégué GuardDuty ou Security Hub, politique de sauvegarde d'organisation) : vérifiez-le là.",
    en: 'No resource of these templates implements it; it may be provided outside them (an organization trail, a GuardDuty or Security Hub delegated administrator, an organization backup policy): check there.',
  },
  region: {
    fr: "Le modèle n'indique pas sa région : relancez avec --region pour juger RES-01.",
    en: 'The template does not state its region: run again with --region to judge RES-01.',
  },
};

const CHECKED_BY = {
  fr: { rule: 'règles', config: 'validation de la configuration', 'lambda-tests': 'tests des fonctions', 'policy-simulation': 'simulation des politiques IAM', report: 'rapport', docs: 'procédures' },
  en: { rule: 'rules', config: 'config validation', 'lambda-tests': 'function tests', 'policy-simulation': 'IAM policy simulation', report: 'report', docs: 'procedures' },
} as const;

export interface BuildEvidenceOptions {
  /** Options of the HDS rules given on the command line; otherwise those the templates state, else the defaults. */
  readonly checkOptions?: Partial<HdsCheckOptions>;
}

/**
 * Builds the evidence: every control of the catalogue with its status, the resources behind it, the
 * findings and the acknowledgements; the data locations, transfers and hosting actors (RES-04). The HDS
 * rules are run on the templates themselves (see `evaluateStacks`), so a cloud assembly and a plain
 * template are judged alike. Deterministic: same input, same output.
 */
export function buildEvidence(input: CloudAssemblyInput, options: BuildEvidenceOptions = {}): Evidence {
  const checkOptions = checkOptionsOf(input.stacks, options.checkOptions);
  const results = evaluateStacks(input.stacks, { allowedRegions: checkOptions.allowedRegions, minTraceRetentionDays: checkOptions.minTraceRetentionDays });
  const accepted = [...acceptedInAssembly(input.pluginReports ?? []), ...acceptedInTemplates(input.stacks)];
  const acknowledgements = groupAcknowledgements(accepted);
  const isBlueprint = input.stacks.some((s) => s.template.Metadata?.[PLATFORM_METADATA_KEY] !== undefined);

  const stackByName = new Map(input.stacks.map((s) => [s.name, s]));
  const refOf = (stack: string, logicalId?: string): ResourceRef => {
    const artifact = stackByName.get(stack);
    const resource = logicalId === undefined ? undefined : artifact?.template.Resources?.[logicalId];
    const cdkPath = resource?.Metadata?.['aws:cdk:path'] ?? (logicalId === undefined ? undefined : artifact?.paths?.[logicalId]);
    return {
      stack,
      ...(logicalId !== undefined && { logicalId }),
      type: resource?.Type ?? 'AWS::CloudFormation::Stack',
      ...(typeof cdkPath === 'string' && { path: cdkPath }),
    };
  };
  const reasonFor = (r: RuleResult): string | undefined => {
    const artifact = stackByName.get(r.stackPath);
    const path = r.logicalId === undefined ? r.stackPath : pathOf(artifact!, r.logicalId, artifact?.template.Resources?.[r.logicalId]);
    // An acknowledgement on a construct covers what is below it, as CDK's validation honours it.
    return accepted.find((a) => a.rule === r.ruleId && (path === a.constructPath || path.startsWith(`${a.constructPath}/`)))?.reason;
  };

  const implementers = new Map<string, ResourceRef[]>();
  const dataLocations: Evidence['dataLocations'] = [];
  const transfers: Transfer[] = [];
  for (const stack of input.stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      const ref = refOf(stack.name, logicalId);
      const ids = resource.Metadata?.[CONTROLS_METADATA_KEY];
      if (Array.isArray(ids)) for (const id of ids) implementers.set(String(id), [...(implementers.get(String(id)) ?? []), ref]);
      if (DATA_STORE_TYPES.has(resource.Type)) dataLocations.push({ ...ref, ...(stack.region !== undefined && { region: stack.region }) });
      transfers.push(...transfersOf(ref, resource));
    }
  }

  const regionUnknown = input.stacks.some((s) => s.region === undefined);
  const controls: ControlEvidence[] = (CATALOGUE as readonly Control[]).map((c) => {
    const ruleIds = ruleIdsOf(c.id);
    const mine = results.filter((r) => ruleIds.includes(r.ruleId.replace(/\[.*$/, '')));
    // RES-01 on a template that does not state its region: not judged, said so (never assumed compliant).
    const judged = c.id === 'RES-01' && regionUnknown ? mine.filter((r) => stackByName.get(r.stackPath)?.region !== undefined) : mine;

    const findings: Finding[] = [];
    const resourceStatus = new Map<string, { ref: ResourceRef; status: ControlEvidence['resources'][number]['status'] }>();
    const mark = (ref: ResourceRef, status: ControlEvidence['resources'][number]['status']) => {
      const existing = resourceStatus.get(resourceKey(ref));
      resourceStatus.set(resourceKey(ref), { ref, status: existing ? worse(['not-met', 'acknowledged', 'not-evaluated', 'met'], existing.status, status) : status });
    };
    for (const ref of implementers.get(c.id) ?? []) mark(ref, 'met');
    const summaries = new Map<string, { rule: string; compliant: number; notMet: number; acknowledged: number; notEvaluated: number }>();
    for (const id of ruleIds) summaries.set(id, { rule: id, compliant: 0, notMet: 0, acknowledged: 0, notEvaluated: 0 });
    for (const r of judged) {
      const ref = refOf(r.stackPath, r.logicalId);
      const summary = summaries.get(r.ruleId.replace(/\[.*$/, ''))!;
      if (r.outcome === 'compliant') {
        summary.compliant += 1;
        mark(ref, 'met');
        continue;
      }
      const reason = reasonFor(r);
      const outcome: Finding['outcome'] = reason !== undefined ? 'acknowledged' : r.outcome === 'non-compliant' ? 'not-met' : 'not-evaluated';
      if (outcome === 'acknowledged') summary.acknowledged += 1;
      else if (outcome === 'not-met') summary.notMet += 1;
      else summary.notEvaluated += 1;
      mark(ref, outcome);
      findings.push({ ...ref, rule: r.ruleId, outcome, message: r.message ?? '', ...(reason !== undefined && { reason }) });
    }

    let status: ControlStatus;
    let basis: ControlEvidence['basis'] = 'rules';
    let note: ControlEvidence['note'];
    if (ruleIds.length === 0) {
      const byReport = c.checkedBy.includes('report');
      if (byReport && (!c.checkedBy.includes('docs') || isBlueprint)) {
        basis = 'report';
        status = 'met';
        note = c.checkedBy.includes('docs') ? NOTES.runbooks : NOTES.report;
      } else if (isBlueprint && c.checkedBy.includes('lambda-tests') && (implementers.get(c.id) ?? []).length > 0) {
        // The platform deploys what implements it (listed), and hds-blueprint's own tests verify its behaviour.
        basis = 'outside-templates';
        status = 'met';
        note = NOTES.deployedAndTested(c);
      } else {
        basis = 'outside-templates';
        status = 'not-evaluated';
        note = NOTES.outsideTemplates(c);
      }
    } else if (findings.length > 0) {
      status = findings.map((f) => f.outcome).reduce((a, b) => worse(STATUS_ORDER, a, b));
    } else if (judged.length > 0) {
      status = 'met';
    } else if (c.id === 'RES-01' && regionUnknown) {
      status = 'not-evaluated';
      note = NOTES.region;
    } else if (c.everyPlatform) {
      status = 'not-evaluated';
      note = NOTES.providedElsewhere;
    } else {
      status = 'not-applicable';
      note = NOTES.notApplicable;
    }

    findings.sort((a, b) => byText(`${a.rule}\u0000${resourceKey(a)}`, `${b.rule}\u0000${resourceKey(b)}`));
    return {
      id: c.id,
      title: { ...c.title },
      severity: c.severity,
      references: { hds: [...c.references.hds], iso27001: [...c.references.iso27001], rgpd: [...c.references.rgpd], other: [...c.references.other] },
      status,
      basis,
      ...(note && { note }),
      rules: [...summaries.values()],
      resources: [...resourceStatus.values()].map(({ ref, status: s }) => ({ ...ref, status: s })).sort((a, b) => byText(resourceKey(a), resourceKey(b))),
      findings,
    };
  });

  const statusCounts = { met: 0, 'not-met': 0, acknowledged: 0, 'not-applicable': 0, 'not-evaluated': 0 };
  for (const c of controls) statusCounts[c.status] += 1;
  const checks = (input.pluginReports ?? [])
    .map((r) => ({ plugin: r.pluginName, conclusion: r.conclusion, unacknowledged: r.violations.length, acknowledged: (r.suppressedViolations ?? []).length }))
    .sort((a, b) => byText(a.plugin, b.plugin));
  const failed = statusCounts['not-met'] > 0 || checks.some((c) => c.unacknowledged > 0);
  const incomplete = controls.some((c) => c.basis === 'rules' && c.status === 'not-evaluated');

  const evidence: Evidence = {
    schemaVersion: EVIDENCE_SCHEMA_VERSION,
    input: { kind: input.kind, sources: input.stacks.map((s) => s.source).sort(byText), checkOptions },
    summary: {
      verdict: failed ? 'fail' : incomplete ? 'incomplete' : 'pass',
      statusCounts,
      regions: [...new Set(input.stacks.flatMap((s) => (s.region === undefined ? [] : [s.region])))].sort(byText),
      stacks: input.stacks
        .map((s) => ({
          name: s.name,
          ...(s.account !== undefined && { account: s.account }),
          ...(s.region !== undefined && { region: s.region }),
          resources: Object.keys(s.template.Resources ?? {}).length,
        }))
        .sort((a, b) => byText(a.name, b.name)),
      checks,
    },
    controls,
    dataLocations: dataLocations.sort((a, b) => byText(resourceKey(a), resourceKey(b))),
    transfers: transfers.sort((a, b) => byText(resourceKey(a) + a.destination, resourceKey(b) + b.destination)),
    actors: actorsOf(input.stacks),
    acknowledgements,
    runbooks: RUNBOOKS.map((r) => ({ ...r })),
  };
  return evidenceSchema.parse(evidence);
}

/** Worst status per resource over all controls, for the diagram's colours. */
export function resourceStatuses(evidence: Evidence): Map<string, ControlEvidence['resources'][number]['status']> {
  const statuses = new Map<string, ControlEvidence['resources'][number]['status']>();
  for (const control of evidence.controls) {
    for (const r of control.resources) {
      const key = resourceKey(r);
      const existing = statuses.get(key);
      statuses.set(key, existing ? worse(['not-met', 'acknowledged', 'not-evaluated', 'met'], existing, r.status) : r.status);
    }
  }
  return statuses;
}

