import { CATALOGUE } from '../../policies/catalogue';
import type { Bilingual } from '../../policies/catalogue-types';
import { CONTROLS_METADATA_KEY } from '../controls';
import type { CloudAssemblyInput, ReportedViolation, TemplateResource } from './assembly';

/** Version of the evidence JSON; bumped on any change of its shape (see docs/evidence-schema.md). */
export const EVIDENCE_SCHEMA_VERSION = '0.1.0';

/**
 * Status of a control in this version of the report.
 * - `provisioned`: resources of the templates declare that they implement it (template metadata
 *   `hds:controls`) and no check reported an unacknowledged finding; the HDS rule pack, which will turn
 *   this into `met` or `not-met`, is not part of this version;
 * - `acknowledged`: a check finding on it was accepted, with a reason;
 * - `not-evaluated`: nothing in the templates implements it yet.
 */
export type EvidenceStatus = 'provisioned' | 'acknowledged' | 'not-evaluated';

export interface ResourceRef {
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
  readonly path?: string;
}

export interface AcknowledgementEvidence {
  readonly plugin: string;
  readonly rule: string;
  readonly reason: string;
  /** The control the accepted finding is about, when the rule says (HDS rules: `HDS-BAK02-...`). */
  readonly control?: string;
  /** The control the reason names as compensating (`[LOG-03] ...`). */
  readonly compensatingControl?: string;
  readonly acknowledgedAt?: string;
  readonly constructPaths: readonly string[];
}

export interface ControlEvidence {
  readonly id: string;
  readonly title: Bilingual;
  readonly references: (typeof CATALOGUE)[number]['references'];
  readonly status: EvidenceStatus;
  readonly resources: readonly ResourceRef[];
  readonly acknowledgements: readonly AcknowledgementEvidence[];
}

export interface CheckSummary {
  readonly plugin: string;
  readonly conclusion: string;
  readonly unacknowledged: number;
  readonly acknowledged: number;
}

export interface Evidence {
  readonly schemaVersion: string;
  readonly summary: {
    readonly stacks: readonly { readonly name: string; readonly account: string; readonly region: string; readonly resources: number }[];
    readonly regions: readonly string[];
    readonly statusCounts: Readonly<Record<EvidenceStatus, number>>;
    readonly checks: readonly CheckSummary[];
    /** `pass` when every check concluded without an unacknowledged finding. */
    readonly verdict: 'pass' | 'fail' | 'checks-not-run';
  };
  readonly controls: readonly ControlEvidence[];
  /** Where each data store lives (RES-04, EXI 28). */
  readonly dataLocations: readonly (ResourceRef & { readonly region: string })[];
  /** Every copy or replication of data to another place (RES-04, EXI 31); empty when there is none. */
  readonly transfers: readonly Transfer[];
  readonly acknowledgements: readonly AcknowledgementEvidence[];
}

export interface Transfer extends ResourceRef {
  readonly kind: 'backup-copy' | 's3-replication';
  /** Destination as written in the template (an ARN, or an intrinsic rendered as JSON). */
  readonly destination: string;
  /** Region of the destination, when the template states it literally. */
  readonly destinationRegion?: string;
}

function regionOfArn(value: unknown): string | undefined {
  return typeof value === 'string' ? /^arn:[^:]+:[^:]+:([a-z0-9-]+):/.exec(value)?.[1] : undefined;
}

function transfersOf(stack: string, logicalId: string, resource: TemplateResource, path?: string): Transfer[] {
  const base = { stack, logicalId, type: resource.Type, path };
  const found: Transfer[] = [];
  if (resource.Type === 'AWS::Backup::BackupPlan') {
    const plan = resource.Properties?.BackupPlan as { BackupPlanRule?: { CopyActions?: { DestinationBackupVaultArn?: unknown }[] }[] };
    for (const rule of plan?.BackupPlanRule ?? []) {
      for (const copy of rule.CopyActions ?? []) {
        const destination = copy.DestinationBackupVaultArn;
        found.push({
          ...base,
          kind: 'backup-copy',
          destination: typeof destination === 'string' ? destination : JSON.stringify(destination),
          destinationRegion: regionOfArn(destination),
        });
      }
    }
  }
  if (resource.Type === 'AWS::S3::Bucket') {
    const replication = resource.Properties?.ReplicationConfiguration as { Rules?: { Destination?: { Bucket?: unknown } }[] };
    for (const rule of replication?.Rules ?? []) {
      const destination = rule.Destination?.Bucket;
      found.push({
        ...base,
        kind: 's3-replication',
        destination: typeof destination === 'string' ? destination : JSON.stringify(destination),
      });
    }
  }
  return found;
}

/** Resource types that store data, for the data location statement. */
const DATA_STORE_TYPES = new Set([
  'AWS::S3::Bucket',
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::DynamoDB::Table',
  'AWS::EFS::FileSystem',
  'AWS::Backup::BackupVault',
  'AWS::Logs::LogGroup',
]);

function controlOfReason(reason: string): string | undefined {
  return /^\[([A-Z]+-\d{2})\]/.exec(reason)?.[1];
}

/** HDS pack rule ids carry their control: `HDS-BAK02-BackupCoverage` is about BAK-02. */
function controlOfRule(rule: string): string | undefined {
  const match = /^HDS-([A-Z]+)(\d{2})-/.exec(rule);
  return match ? `${match[1]}-${match[2]}` : undefined;
}

function acknowledgementOf(plugin: string, v: ReportedViolation): AcknowledgementEvidence {
  const reason = v.reason ?? '';
  return {
    plugin,
    rule: v.ruleName,
    reason,
    control: controlOfRule(v.ruleName),
    compensatingControl: controlOfReason(reason),
    acknowledgedAt: v.acknowledgedAt,
    constructPaths: (v.violatingConstructs ?? []).map((c) => c.constructPath).sort(),
  };
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Builds the evidence from a cloud assembly. Deterministic: same input, same output. */
export function buildEvidence(input: CloudAssemblyInput): Evidence {
  const controlResources = new Map<string, ResourceRef[]>();
  const dataLocations: (ResourceRef & { region: string })[] = [];
  const transfers: Transfer[] = [];
  for (const stack of input.stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      const ref: ResourceRef = {
        stack: stack.name,
        logicalId,
        type: resource.Type,
        path: resource.Metadata?.['aws:cdk:path'] as string | undefined,
      };
      const ids = resource.Metadata?.[CONTROLS_METADATA_KEY];
      if (Array.isArray(ids)) {
        for (const id of ids) controlResources.set(String(id), [...(controlResources.get(String(id)) ?? []), ref]);
      }
      if (DATA_STORE_TYPES.has(resource.Type)) dataLocations.push({ ...ref, region: stack.region });
      transfers.push(...transfersOf(stack.name, logicalId, resource, ref.path));
    }
  }

  // One entry per accepted finding and reason, listing every construct it covers.
  const grouped = new Map<string, AcknowledgementEvidence>();
  const checks: CheckSummary[] = [];
  for (const report of input.pluginReports ?? []) {
    const suppressed = report.suppressedViolations ?? [];
    for (const v of suppressed) {
      const ack = acknowledgementOf(report.pluginName, v);
      const key = JSON.stringify([ack.plugin, ack.rule, ack.reason]);
      const existing = grouped.get(key);
      grouped.set(
        key,
        existing
          ? { ...existing, constructPaths: [...new Set([...existing.constructPaths, ...ack.constructPaths])].sort() }
          : ack,
      );
    }
    checks.push({
      plugin: report.pluginName,
      conclusion: report.conclusion,
      unacknowledged: report.violations.length,
      acknowledged: suppressed.length,
    });
  }
  const acknowledgements = [...grouped.values()];
  acknowledgements.sort((a, b) => byText(a.plugin + a.rule + a.constructPaths.join(), b.plugin + b.rule + b.constructPaths.join()));
  checks.sort((a, b) => byText(a.plugin, b.plugin));

  const controls: ControlEvidence[] = CATALOGUE.map((c) => {
    const resources = (controlResources.get(c.id) ?? []).sort((a, b) => byText(a.stack + a.logicalId, b.stack + b.logicalId));
    const acks = acknowledgements.filter((a) => a.control === c.id);
    const status: EvidenceStatus = acks.length > 0 ? 'acknowledged' : resources.length > 0 ? 'provisioned' : 'not-evaluated';
    return { id: c.id, title: c.title, references: c.references, status, resources, acknowledgements: acks };
  });

  const statusCounts: Record<EvidenceStatus, number> = { provisioned: 0, acknowledged: 0, 'not-evaluated': 0 };
  for (const c of controls) statusCounts[c.status] += 1;

  const verdict = input.pluginReports === undefined ? 'checks-not-run' : checks.some((c) => c.unacknowledged > 0) ? 'fail' : 'pass';
  return {
    schemaVersion: EVIDENCE_SCHEMA_VERSION,
    summary: {
      stacks: input.stacks.map((s) => ({
        name: s.name,
        account: s.account,
        region: s.region,
        resources: Object.keys(s.template.Resources ?? {}).length,
      })),
      regions: [...new Set(input.stacks.map((s) => s.region))].sort(),
      statusCounts,
      checks,
      verdict,
    },
    controls,
    dataLocations: dataLocations.sort((a, b) => byText(a.stack + a.logicalId, b.stack + b.logicalId)),
    transfers: transfers.sort((a, b) => byText(a.stack + a.logicalId + a.destination, b.stack + b.logicalId + b.destination)),
    acknowledgements,
  };
}
