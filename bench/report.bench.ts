/**
 * Evidence report benchmark (issue 5): medians over several runs, measured in one `npm run bench` (never
 * asserted in tests; the machine is shared, so only medians and ratios taken in the same run mean something).
 *
 *   npx tsx bench/report.bench.ts        # 5 runs of each variant
 *   npx tsx bench/report.bench.ts 9      # 9 runs
 *
 * Variants, all in one warm process (after one untimed run that loads the rules and the WebAssembly Graphviz):
 * - the default platform's cloud assembly (synthesized once, with every check, untimed);
 * - generated templates of 250, 500 and 1,000 resources (buckets, keys, log groups, roles and security
 *   groups, with references between them), to show how the time grows with the size of the input.
 * Each run reads the input, runs the HDS rules, builds the evidence and renders JSON, Markdown and HTML
 * in both languages with the diagram: what `hds-report` does, minus writing the files.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { App } from 'aws-cdk-lib';
import { registerChecks } from '../lib/checks';
import { parseConfig } from '../lib/config';
import { buildPlatform } from '../lib/platform';
import { buildEvidence, diagramOf, evidenceJson, readReportInput, renderHtml, renderMarkdown } from '../lib/report';

const context = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A template of `n` resources, in groups of five that reference each other as real stacks do. */
export function generatedTemplate(n: number): object {
  const resources: Record<string, object> = {};
  for (let i = 0; resources && Object.keys(resources).length < n; i++) {
    const group: Record<string, object> = {
      [`Key${i}`]: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true, KeyPolicy: { Version: '2012-10-17', Statement: [] } } },
      [`Bucket${i}`]: {
        Type: 'AWS::S3::Bucket',
        Properties: {
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [`Key${i}`, 'Arn'] } } }] },
          VersioningConfiguration: { Status: 'Enabled' },
        },
      },
      [`Logs${i}`]: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [`Key${i}`, 'Arn'] } } },
      [`Role${i}`]: {
        Type: 'AWS::IAM::Role',
        Properties: { AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] } },
      },
      [`Group${i}`]: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: { GroupDescription: `group ${i}`, SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/16' }] },
      },
    };
    for (const [id, r] of Object.entries(group)) if (Object.keys(resources).length < n) resources[id] = r;
  }
  return { Resources: resources };
}

async function reportOnce(inputs: string[]): Promise<number> {
  const start = performance.now();
  const input = readReportInput(inputs, { region: 'eu-west-3' });
  const evidence = buildEvidence(input);
  evidenceJson(evidence);
  for (const lang of ['fr', 'en'] as const) {
    const svg = await diagramOf(input, evidence, lang);
    renderMarkdown(evidence, lang, { diagramFile: 'architecture.svg' });
    renderHtml(evidence, lang, { diagramSvg: svg });
  }
  return performance.now() - start;
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 5);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hds-report-bench-'));
  const assembly = path.join(dir, 'cdk.out');
  const app = new App({ outdir: assembly, context: { ...context, 'aws:cdk:enable-path-metadata': true, '@aws-cdk/core:failSynthOnValidationErrors': false } });
  const config = parseConfig({});
  buildPlatform(app, config);
  registerChecks(app, config);
  app.synth();
  const platformResources = readReportInput([assembly]).stacks.reduce((n, s) => n + Object.keys(s.template.Resources ?? {}).length, 0);

  const sizes = [250, 500, 1000];
  const files = new Map(sizes.map((n) => [n, path.join(dir, `generated-${n}.json`)]));
  for (const [n, file] of files) fs.writeFileSync(file, JSON.stringify(generatedTemplate(n)));

  await reportOnce([assembly]); // warm-up: rules, Graphviz
  const times = new Map<string, number[]>([['platform', []], ...sizes.map((n) => [String(n), []] as [string, number[]])]);
  // Interleaved, so that load from other processes on the shared machine hits every variant alike.
  for (let i = 0; i < runs; i++) {
    times.get('platform')!.push(await reportOnce([assembly]));
    for (const n of sizes) times.get(String(n))!.push(await reportOnce([files.get(n)!]));
  }
  fs.rmSync(dir, { recursive: true, force: true });

  const m = (k: string) => median(times.get(k)!);
  console.log(`Evidence report (read, rules, evidence, JSON + Markdown + HTML in fr and en, diagram), median of ${runs} runs, warm process:`);
  console.log(`  default platform (${platformResources} resources): ${m('platform').toFixed(0)} ms`);
  for (const n of sizes) console.log(`  generated template, ${n} resources: ${m(String(n)).toFixed(0)} ms (${(m(String(n)) / n).toFixed(2)} ms per resource)`);
  console.log(`  growth 250 -> 1,000 resources (x4 input): x${(m('1000') / m('250')).toFixed(2)} time; 500 -> 1,000 (x2): x${(m('1000') / m('500')).toFixed(2)}`);
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(error);
    process.exit(1);
  });
}
