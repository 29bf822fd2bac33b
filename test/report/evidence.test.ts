import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildEvidence, evidenceSchema, renderHtml, renderMarkdown, type CloudAssemblyInput, type Evidence, type PluginReport } from '../../lib/report';
import { evidenceJsonSchema } from '../../lib/report/schema';
import { WORDS } from '../../lib/report/words';
import { CONTROL_IDS } from '../../policies/catalogue';

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }>;
interface InputStack {
  name: string;
  region?: string;
  resources: Resources;
  outputs?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

/** A hand-made input: stacks of resources, optionally a validation report (as a cloud assembly has). */
function input(stacks: InputStack[], reports?: PluginReport[]): CloudAssemblyInput {
  return {
    kind: reports ? 'cloud-assembly' : 'templates',
    stacks: stacks.map((s) => ({
      name: s.name,
      ...(s.region && { region: s.region, account: '111111111111' }),
      template: { Resources: s.resources, ...(s.outputs && { Outputs: s.outputs as never }), ...(s.metadata && { Metadata: s.metadata }) },
      source: `${s.name}.json`,
    })),
    pluginReports: reports,
  };
}

const control = (evidence: Evidence, id: string) => evidence.controls.find((c) => c.id === id)!;

const KEY = { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true, KeyPolicy: { Statement: [] } } };
const kmsBucket = (keyArn: unknown) => ({
  Type: 'AWS::S3::Bucket',
  Properties: { BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn } }] } },
});

describe('buildEvidence on hand-made templates', () => {
  test('lists every control of the catalogue, in catalogue order, and matches the published schema', () => {
    const evidence = buildEvidence(input([{ name: 'app', region: 'eu-west-3', resources: { Docs: { Type: 'AWS::S3::Bucket' } } }]));
    expect(evidence.controls.map((c) => c.id)).toEqual(CONTROL_IDS);
    expect(() => evidenceSchema.parse(evidence)).not.toThrow();
  });

  test('a bucket with SSE-S3 makes ENC-02 not met, naming the bucket, the rule and the fix', () => {
    const evidence = buildEvidence(
      input([{ name: 'app', region: 'eu-west-3', resources: { Docs: { Type: 'AWS::S3::Bucket', Properties: { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } } } } }]),
    );
    expect(control(evidence, 'ENC-02')).toMatchObject({
      status: 'not-met',
      basis: 'rules',
      findings: [{ stack: 'app', logicalId: 'Docs', type: 'AWS::S3::Bucket', rule: 'HDS-ENC02-S3EncryptedWithCmk', outcome: 'not-met', message: expect.stringMatching(/^\[ENC-02\] .*Fix: /) }],
      resources: [{ stack: 'app', logicalId: 'Docs', status: 'not-met' }],
    });
    expect(evidence.summary.verdict).toBe('fail');
  });

  test('a key in another stack, reached through Fn::GetStackOutput, is followed: ENC-02 met', () => {
    const stacks: InputStack[] = [
      { name: 'keys', region: 'eu-west-3', resources: { Key: KEY }, outputs: { KeyArn: { Value: { 'Fn::GetAtt': ['Key', 'Arn'] } } } },
      { name: 'data', region: 'eu-west-3', resources: { Docs: kmsBucket({ 'Fn::GetStackOutput': { StackName: 'keys', Region: 'eu-west-3', OutputName: 'KeyArn' } }) } },
    ];
    const both = buildEvidence(input(stacks));
    expect(control(both, 'ENC-02').rules.find((r) => r.rule === 'HDS-ENC02-S3EncryptedWithCmk')).toMatchObject({ compliant: 1, notMet: 0, notEvaluated: 0 });
    // Without the stack that holds the key, the value cannot be told: never assumed compliant.
    const alone = buildEvidence(input([stacks[1]]));
    expect(control(alone, 'ENC-02').rules.find((r) => r.rule === 'HDS-ENC02-S3EncryptedWithCmk')?.compliant).toBe(0);
    expect(control(alone, 'ENC-02').status).not.toBe('met');
  });

  test('an export of another stack (Fn::ImportValue) is followed as well', () => {
    const evidence = buildEvidence(
      input([
        { name: 'keys', region: 'eu-west-3', resources: { Key: KEY }, outputs: { KeyArn: { Value: { 'Fn::GetAtt': ['Key', 'Arn'] }, Export: { Name: 'keys-KeyArn' } } } },
        { name: 'data', region: 'eu-west-3', resources: { Docs: kmsBucket({ 'Fn::ImportValue': 'keys-KeyArn' }) } },
      ]),
    );
    expect(control(evidence, 'ENC-02').rules.find((r) => r.rule === 'HDS-ENC02-S3EncryptedWithCmk')?.compliant).toBe(1);
  });

  test('RES-01: a template without its region is not evaluated (and says how to fix it); a stated region is judged', () => {
    const resources = { Docs: { Type: 'AWS::S3::Bucket' } };
    expect(control(buildEvidence(input([{ name: 'app', resources }])), 'RES-01')).toMatchObject({ status: 'not-evaluated', note: { en: expect.stringContaining('--region') } });
    expect(control(buildEvidence(input([{ name: 'app', region: 'eu-west-3', resources }])), 'RES-01').status).toBe('met');
    expect(control(buildEvidence(input([{ name: 'app', region: 'eu-west-2', resources }])), 'RES-01')).toMatchObject({
      status: 'not-met',
      findings: [{ stack: 'app', type: 'AWS::CloudFormation::Stack', rule: 'HDS-RES01-StackRegion', message: expect.stringContaining('eu-west-2') }],
    });
  });

  test('the rules judge with the options the templates state, unless the command line gives others', () => {
    const metadata = { 'hds:platform': { checks: { allowedRegions: ['eu-west-3'], minTraceRetentionDays: 365 } } };
    const stated = buildEvidence(input([{ name: 'app', region: 'eu-west-1', resources: { Docs: { Type: 'AWS::S3::Bucket' } }, metadata }]));
    expect(stated.input.checkOptions).toEqual({ allowedRegions: ['eu-west-3'], minTraceRetentionDays: 365, from: 'templates' });
    expect(control(stated, 'RES-01').status).toBe('not-met');
    const given = buildEvidence(input([{ name: 'app', region: 'eu-west-1', resources: { Docs: { Type: 'AWS::S3::Bucket' } }, metadata }]), {
      checkOptions: { allowedRegions: ['eu-west-1'] },
    });
    expect(given.input.checkOptions.from).toBe('command-line');
    expect(control(given, 'RES-01').status).toBe('met');
  });

  test('an acknowledged finding of the validation report marks its control, with the reason, and keeps the verdict', () => {
    const resources = { Docs: { Type: 'AWS::S3::Bucket', Metadata: { 'aws:cdk:path': 'app/Store/Docs/Resource' } } };
    const reports: PluginReport[] = [
      {
        pluginName: 'HdsChecks',
        conclusion: 'success',
        violations: [],
        // Acknowledged on a parent construct: covers the resource below it, as CDK's validation honours it.
        suppressedViolations: [{ ruleName: 'HDS-LOG05-BucketAccessLogs', description: 'd', reason: '[LOG-02] object-level data events', violatingConstructs: [{ constructPath: 'app/Store' }] }],
      },
    ];
    const evidence = buildEvidence(input([{ name: 'app', region: 'eu-west-3', resources }], reports));
    expect(control(evidence, 'LOG-05')).toMatchObject({
      status: 'acknowledged',
      findings: [{ logicalId: 'Docs', rule: 'HDS-LOG05-BucketAccessLogs', outcome: 'acknowledged', reason: '[LOG-02] object-level data events', path: 'app/Store/Docs/Resource' }],
    });
    expect(evidence.acknowledgements).toEqual([
      { plugin: 'HdsChecks', rule: 'HDS-LOG05-BucketAccessLogs', reason: '[LOG-02] object-level data events', control: 'LOG-05', compensatingControl: 'LOG-02', constructPaths: ['app/Store'] },
    ]);
    expect(evidence.summary.checks).toEqual([{ plugin: 'HdsChecks', conclusion: 'success', unacknowledged: 0, acknowledged: 1 }]);
  });

  test('an unacknowledged finding of another pack in the validation report fails the verdict', () => {
    const reports: PluginReport[] = [{ pluginName: 'AwsSolutions', conclusion: 'failure', violations: [{ ruleName: 'AwsSolutions-S1', description: 'd' }] }];
    const evidence = buildEvidence(input([{ name: 'app', region: 'eu-west-3', resources: {} }], reports));
    expect(evidence.summary.verdict).toBe('fail');
  });

  test('controls without a rule: stated by the report (met) or verified elsewhere (not evaluated, saying where)', () => {
    const evidence = buildEvidence(input([{ name: 'app', region: 'eu-west-3', resources: {} }]));
    expect(control(evidence, 'EVD-04')).toMatchObject({ status: 'met', basis: 'report', rules: [] });
    expect(control(evidence, 'DATA-02')).toMatchObject({ status: 'not-evaluated', basis: 'outside-templates', note: { en: expect.stringContaining('function tests') } });
    // Runbooks are the blueprint's: met only for a platform built by it (its templates say so).
    expect(control(evidence, 'DET-04').status).toBe('not-evaluated');
    const platform = buildEvidence(input([{ name: 'app', region: 'eu-west-3', resources: {}, metadata: { 'hds:platform': {} } }]));
    expect(control(platform, 'DET-04')).toMatchObject({ status: 'met', basis: 'report' });
  });

  test('absent account-level controls are not evaluated (may be provided elsewhere); absent resource kinds are not applicable', () => {
    const evidence = buildEvidence(input([{ name: 'app', region: 'eu-west-3', resources: { Docs: { Type: 'AWS::S3::Bucket' } } }]));
    expect(control(evidence, 'DET-01')).toMatchObject({ status: 'not-evaluated', note: { en: expect.stringContaining('delegated administrator') } });
    expect(control(evidence, 'IAM-03')).toMatchObject({ status: 'not-applicable' });
    expect(evidence.summary.statusCounts).toEqual(
      Object.fromEntries(['met', 'not-met', 'acknowledged', 'not-applicable', 'not-evaluated'].map((s) => [s, evidence.controls.filter((c) => c.status === s).length])),
    );
  });

  test('transfers: backup copies, S3 replication and DynamoDB replicas, with their destination regions; none said explicitly', () => {
    const evidence = buildEvidence(
      input([
        {
          name: 'app',
          region: 'eu-west-3',
          resources: {
            Plan: { Type: 'AWS::Backup::BackupPlan', Properties: { BackupPlan: { BackupPlanRule: [{ CopyActions: [{ DestinationBackupVaultArn: 'arn:aws:backup:eu-west-1:111111111111:backup-vault:copy' }] }] } } },
            Docs: { Type: 'AWS::S3::Bucket', Properties: { ReplicationConfiguration: { Rules: [{ Destination: { Bucket: 'arn:aws:s3:::replica' } }] } } },
            Table: { Type: 'AWS::DynamoDB::GlobalTable', Properties: { Replicas: [{ Region: 'eu-west-3' }, { Region: 'us-east-1' }] } },
          },
        },
      ]),
    );
    expect(evidence.transfers.map((t) => [t.logicalId, t.kind, t.destination, t.destinationRegion])).toEqual([
      ['Docs', 's3-replication', 'arn:aws:s3:::replica', undefined],
      ['Plan', 'backup-copy', 'arn:aws:backup:eu-west-1:111111111111:backup-vault:copy', 'eu-west-1'],
      ['Table', 'dynamodb-replica', 'eu-west-3', 'eu-west-3'],
      ['Table', 'dynamodb-replica', 'us-east-1', 'us-east-1'],
    ]);
    expect(renderMarkdown(buildEvidence(input([{ name: 'app', region: 'eu-west-3', resources: {} }])), 'en')).toContain(WORDS.en.noTransfer);
  });

  test('hosting actors: AWS by default; the platform config, as its templates state it, otherwise', () => {
    const byDefault = buildEvidence(input([{ name: 'app', region: 'eu-west-3', resources: {} }]));
    expect(byDefault.actors).toEqual([expect.objectContaining({ name: 'Amazon Web Services EMEA SARL', role: 'host', hdsCertified: true, activities: [1, 2, 3, 4, 5, 6] })]);
    const msp = { name: 'MSP', role: 'processor', hdsCertified: true, secNumCloud: false, activities: [5], accessFromOutsideEea: { fr: 'Aucun.', en: 'None.' }, thirdCountryLaw: { fr: 'Aucune.', en: 'None.' } };
    const stated = buildEvidence(input([{ name: 'app', region: 'eu-west-3', resources: {}, metadata: { 'hds:platform': { hosting: { actors: [msp] } } } }]));
    expect(stated.actors).toEqual([msp]);
    expect(renderHtml(stated, 'fr')).toContain('<td>Aucune.</td>');
  });

  test('deterministic: same input, same JSON', () => {
    const make = () => input([{ name: 'b', region: 'eu-west-3', resources: { Z: { Type: 'AWS::S3::Bucket' }, A: { Type: 'AWS::KMS::Key' } } }, { name: 'a', region: 'eu-west-3', resources: {} }]);
    expect(JSON.stringify(buildEvidence(make()))).toBe(JSON.stringify(buildEvidence(make())));
  });
});

describe('renderers', () => {
  const evidence = buildEvidence(
    input([{ name: 'app', region: 'eu-west-3', resources: { 'Docs': { Type: 'AWS::S3::Bucket', Metadata: { 'aws:cdk:path': 'app/a|b<script>' } } } }]),
  );

  /** Fixed phrases of one language that the other language does not share. */
  const phrases = (lang: 'fr' | 'en') => {
    const other = lang === 'fr' ? 'en' : 'fr';
    const flat = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.flatMap(flat) : typeof v === 'object' && v ? Object.values(v).flatMap(flat) : []);
    const mine = new Set(flat(WORDS[lang]));
    return flat(WORDS[other]).filter((p) => p.length > 12 && !mine.has(p));
  };

  test.each(['fr', 'en'] as const)('the %s report has no fixed phrase of the other language, in Markdown and HTML', (lang) => {
    const md = renderMarkdown(evidence, lang);
    const html = renderHtml(evidence, lang);
    for (const phrase of phrases(lang)) {
      expect({ phrase, inMarkdown: md.includes(phrase) }).toEqual({ phrase, inMarkdown: false });
      expect({ phrase, inHtml: html.includes(phrase) }).toEqual({ phrase, inHtml: false });
    }
    expect(html).toContain(`<html lang="${lang}">`);
  });

  test('HTML: one self-contained, accessible document: no script, no external asset, headings, table headers, escaped text', () => {
    const html = renderHtml(evidence, 'en', { diagramSvg: '<?xml version="1.0"?><!DOCTYPE svg><svg xmlns="http://www.w3.org/2000/svg"><g/></svg>' });
    expect(html).not.toMatch(/<script|<link |src="http|href="http|@import|url\(/i);
    expect(html).toMatch(/<h1 id="report">/);
    expect(html).toMatch(/<th scope="col">/);
    expect(html).toContain('<figure role="img"');
    expect(html).not.toContain('<?xml');
    expect(html).toContain('app/a|b&lt;script&gt;');
    expect(html).not.toContain('<script>');
    // Every control has an anchor the summary table links to.
    for (const id of CONTROL_IDS) expect(html).toContain(`<h3 id="${id.toLowerCase()}">`);
  });

  test('Markdown: pipes in values do not break tables, each control has an explicit anchor', () => {
    const md = renderMarkdown(evidence, 'en');
    expect(md).toContain('`app/a\\|b<script>`');
    for (const id of CONTROL_IDS) expect(md).toContain(`<a id="${id.toLowerCase()}"></a>${id} · `);
    // Every row of every table has as many cells as its header.
    let columns = 0;
    for (const line of md.split('\n')) {
      if (!line.startsWith('|')) {
        columns = 0;
        continue;
      }
      const cells = line.split(/(?<!\\)\|/).length;
      if (columns === 0) columns = cells;
      expect({ line, cells }).toEqual({ line, cells: columns });
    }
  });
});

test('docs/evidence.schema.json is the schema the code checks against (regenerate: npx tsx scripts/evidence-schema.ts)', () => {
  const published = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'evidence.schema.json'), 'utf8'));
  expect(published).toEqual(evidenceJsonSchema());
});
