import { z } from 'zod';

/**
 * The evidence JSON, as one schema: the TypeScript types are inferred from it, `docs/evidence.schema.json`
 * is generated from it (a test keeps the two equal) and every report is checked against it before it is
 * written. Any change of shape bumps `EVIDENCE_SCHEMA_VERSION` (semver: a new optional field is minor, a
 * removed or renamed one is major) and is described in docs/evidence-schema.md.
 */
export const EVIDENCE_SCHEMA_VERSION = '1.0.0';

const bilingual = z.strictObject({ fr: z.string(), en: z.string() }).describe('The same sentence in French and in English');

/** Status of a control. */
export const controlStatus = z
  .enum(['met', 'not-met', 'acknowledged', 'not-applicable', 'not-evaluated'])
  .describe(
    'met: every rule of the control judged at least one resource and found nothing wrong (or, for controls the report itself states, the report states it); not-met: at least one finding is not acknowledged; acknowledged: every finding was accepted with a reason; not-applicable: no resource of the templates is of a kind the control is about; not-evaluated: a rule could not judge a value, or the control is verified outside the templates',
  );
export type ControlStatus = z.infer<typeof controlStatus>;

const resourceRef = z.strictObject({
  stack: z.string(),
  logicalId: z.string().optional().describe('Logical id in the template; absent for the stack itself (RES-01)'),
  type: z.string().describe('CloudFormation resource type, or AWS::CloudFormation::Stack for the stack itself'),
  path: z.string().optional().describe('CDK construct path, when the template records it (aws:cdk:path metadata)'),
});
export type ResourceRef = z.infer<typeof resourceRef>;

const findingOutcome = z.enum(['not-met', 'acknowledged', 'not-evaluated']);

const finding = resourceRef.extend({
  rule: z.string().describe('Rule id, e.g. HDS-ENC01-KeyRotation'),
  outcome: findingOutcome,
  message: z.string().describe('What is wrong and the fix (rule message), or why the rule could not judge the value'),
  reason: z.string().optional().describe('For acknowledged findings: the reason given, naming the compensating control'),
});
export type Finding = z.infer<typeof finding>;

const ruleSummary = z.strictObject({
  rule: z.string(),
  compliant: z.number().int(),
  notMet: z.number().int(),
  acknowledged: z.number().int(),
  notEvaluated: z.number().int(),
});

const controlResource = resourceRef.extend({
  status: z.enum(['met', 'not-met', 'acknowledged', 'not-evaluated']).describe('The worst outcome of the control\'s rules on this resource'),
});

const control = z.strictObject({
  id: z.string(),
  title: bilingual,
  severity: z.enum(['critical', 'high', 'medium', 'low']),
  references: z.strictObject({
    hds: z.array(z.string()),
    iso27001: z.array(z.string()),
    rgpd: z.array(z.string()),
    other: z.array(z.string()),
  }),
  status: controlStatus,
  basis: z
    .enum(['rules', 'report', 'outside-templates'])
    .describe('rules: judged by the HDS rule pack on the templates; report: stated by this report; outside-templates: verified elsewhere (config validation, function tests, policy simulation, procedures)'),
  note: bilingual.optional().describe('Why the status is what it is, when the findings do not say it'),
  rules: z.array(ruleSummary),
  resources: z.array(controlResource).describe('Resources that implement the control (template metadata hds:controls) or that its rules judged'),
  findings: z.array(finding),
});
export type ControlEvidence = z.infer<typeof control>;

const acknowledgement = z.strictObject({
  plugin: z.string(),
  rule: z.string(),
  reason: z.string(),
  control: z.string().optional().describe('The control the accepted finding is about (HDS rules name it)'),
  compensatingControl: z.string().optional().describe('The control the reason names as compensating: "[LOG-03] ..."'),
  constructPaths: z.array(z.string()),
});
export type AcknowledgementEvidence = z.infer<typeof acknowledgement>;

const transfer = resourceRef.extend({
  kind: z.enum(['backup-copy', 's3-replication', 'dynamodb-replica']),
  destination: z.string().describe('As written in the template (an ARN, a region, or an intrinsic rendered as JSON)'),
  destinationRegion: z.string().optional().describe('When the template states it literally'),
});
export type Transfer = z.infer<typeof transfer>;

const actor = z.strictObject({
  name: z.string(),
  role: z.enum(['host', 'processor']),
  hdsCertified: z.boolean(),
  secNumCloud: z.boolean(),
  activities: z.array(z.number().int()),
  accessFromOutsideEea: bilingual,
  thirdCountryLaw: bilingual,
});

const check = z.strictObject({
  plugin: z.string(),
  conclusion: z.string(),
  unacknowledged: z.number().int(),
  acknowledged: z.number().int(),
});

export const evidenceSchema = z.strictObject({
  schemaVersion: z.literal(EVIDENCE_SCHEMA_VERSION),
  input: z.strictObject({
    kind: z.enum(['cloud-assembly', 'templates']),
    sources: z.array(z.string()).describe('Template files read, with the paths given on the command line'),
    checkOptions: z.strictObject({
      allowedRegions: z.array(z.string()),
      minTraceRetentionDays: z.number().int(),
      from: z.enum(['templates', 'defaults', 'command-line']).describe('Where the options of the HDS rules came from'),
    }),
  }),
  summary: z.strictObject({
    verdict: z.enum(['pass', 'fail', 'incomplete']).describe('fail: a control is not met or a check has an unacknowledged finding; incomplete: nothing fails but some rule could not judge a value'),
    statusCounts: z.strictObject({
      met: z.number().int(),
      'not-met': z.number().int(),
      acknowledged: z.number().int(),
      'not-applicable': z.number().int(),
      'not-evaluated': z.number().int(),
    }),
    regions: z.array(z.string()),
    stacks: z.array(z.strictObject({ name: z.string(), account: z.string().optional(), region: z.string().optional(), resources: z.number().int() })),
    checks: z.array(check).describe('Validation plugins of the cloud assembly (empty for plain templates)'),
  }),
  controls: z.array(control),
  dataLocations: z.array(resourceRef.extend({ region: z.string().optional().describe('Absent when the template does not say') })),
  transfers: z.array(transfer),
  actors: z.array(actor).describe('Who hosts and processes the data (EXI 31): from the platform config, else AWS alone'),
  acknowledgements: z.array(acknowledgement),
  runbooks: z.array(z.strictObject({ topic: z.enum(['incident', 'restore', 'key-compromise', 'reversibility']), path: z.string() })),
});
export type Evidence = z.infer<typeof evidenceSchema>;

/** The JSON Schema (draft 2020-12) of the evidence, as docs/evidence.schema.json publishes it. */
export function evidenceJsonSchema(): Record<string, unknown> {
  return {
    $id: `urn:hds-blueprint:evidence:${EVIDENCE_SCHEMA_VERSION}`,
    title: `HDS evidence report, schema ${EVIDENCE_SCHEMA_VERSION}`,
    ...z.toJSONSchema(evidenceSchema, { target: 'draft-2020-12' }),
  };
}
