import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../bin/hds-report';

/** Runs the command in-process; returns its exit code and what it printed. */
async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  try {
    return { code: await main(args), out, err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hds-report-cli-'));
const file = (name: string, content: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
};
const legacy = file('legacy.yaml', 'Resources:\n  Docs:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub "${AWS::StackName}-docs"\n');
const empty = file('empty.json', '{"Resources": {}}');

describe('hds-report', () => {
  test('writes the formats and languages asked for, and says where', async () => {
    const out = path.join(dir, 'out-md-en');
    const result = await run(legacy, '--format', 'md', '--lang', 'en', '--out', out, '--region', 'eu-west-3');
    expect(result.code).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['architecture.en.svg', 'evidence.en.md']);
    expect(result.out).toMatch(/^HDS evidence report: fail \(met \d+, not-met \d+/);
    expect(fs.readFileSync(path.join(out, 'evidence.en.md'), 'utf8')).toContain('| `legacy` | not stated in the template | eu-west-3 | 1 |');
  });

  test('every format and both languages by default', async () => {
    const out = path.join(dir, 'out-all');
    expect((await run(empty, '--out', out)).code).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual([
      'architecture.en.svg',
      'architecture.fr.svg',
      'evidence.en.html',
      'evidence.en.md',
      'evidence.fr.html',
      'evidence.fr.md',
      'evidence.json',
    ]);
  });

  test('--fail-on not-met exits 3 and names the controls; without it, the same input exits 0', async () => {
    const result = await run(legacy, '--format', 'json', '--out', path.join(dir, 'out-fail'), '--fail-on', 'not-met');
    expect(result.code).toBe(3);
    expect(result.err).toMatch(/^--fail-on not-met: .*ENC-02 \(not-met\)/);
    expect((await run(legacy, '--format', 'json', '--out', path.join(dir, 'out-fail'))).code).toBe(0);
  });

  test('--fail-on not-evaluated also fails on controls that could not be judged', async () => {
    const result = await run(empty, '--format', 'json', '--out', path.join(dir, 'out-ne'), '--fail-on', 'not-evaluated');
    expect(result.code).toBe(3);
    expect(result.err).toContain('RES-01 (not-evaluated)');
  });

  test('--allowed-regions narrows the regions the rules allow', async () => {
    const out = path.join(dir, 'out-regions');
    expect((await run(empty, '--format', 'json', '--out', out, '--region', 'eu-west-1', '--allowed-regions', 'eu-west-3')).code).toBe(0);
    const evidence = JSON.parse(fs.readFileSync(path.join(out, 'evidence.json'), 'utf8'));
    expect(evidence.input.checkOptions).toEqual({ allowedRegions: ['eu-west-3'], minTraceRetentionDays: 365, from: 'command-line' });
    expect(evidence.controls.find((c: { id: string }) => c.id === 'RES-01').status).toBe('not-met');
  });

  test.each([
    [[], /^hds-report: no input: pass a cdk\.out directory/],
    [['x.json', '--format', 'pdf'], /^hds-report: --format: received "pdf"; allowed: json, md, html/],
    [['x.json', '--lang', 'de'], /^hds-report: --lang: received "de"; allowed: fr, en/],
    [['x.json', '--fail-on', 'warning'], /^hds-report: --fail-on: received "warning"; allowed: not-met, not-evaluated/],
    [['x.json', '--allowed-regions', 'eu-west-3,us-east-1'], /^hds-report: --allowed-regions: received "us-east-1"; allowed: HDS EEA regions among eu-west-3/],
    [['x.json', '--region', 'paris'], /^hds-report: --region: received "paris"; allowed: an AWS region name/],
    [['x.json', '--colour'], /^hds-report: Unknown option '--colour'/],
  ])('bad usage %j: exit 1, the reason, then the usage', async (args, message) => {
    const result = await run(...(args as string[]));
    expect(result.code).toBe(1);
    expect(result.err).toMatch(message);
    expect(result.err).toContain('Usage: hds-report');
  });

  test.each([
    ['a path that does not exist', () => [path.join(dir, 'missing.yaml')], /missing\.yaml does not exist: pass a cdk\.out directory or CloudFormation template files/],
    ['a file that is not a template', () => [file('config.json', '{"region": "eu-west-3"}')], /config\.json is not a CloudFormation template: it has no "Resources" mapping \(found top-level keys: region\)/],
    ['malformed JSON', () => [file('bad.json', '{\n  "Resources": {\n    "A": {"Type": "AWS::S3::Bucket",}\n  }\n}')], /bad\.json: malformed JSON at line 3, column 37/],
    ['malformed YAML', () => [file('bad.yaml', 'Resources:\n  A:\n    Type: [AWS::S3::Bucket\n')], /bad\.yaml: malformed YAML at line \d+, column \d+/],
    ['an unknown YAML tag', () => [file('tag.yaml', 'Resources:\n  A:\n    Type: !Foo x\n')], /tag\.yaml: unknown YAML tag at line 3, column 11: .*!Foo/],
    ['an empty cdk.out', () => [fs.mkdtempSync(path.join(dir, 'cdk.out-'))], /is not a cloud assembly: it has no manifest\.json/],
    ['a directory with files', () => [fs.mkdtempSync(path.join(dir, 'd-')), empty], /pass either one cdk\.out directory or template files, not both/],
    ['a resource without a type', () => [file('notype.json', '{"Resources": {"A": {"Properties": {}}}}')], /notype\.json: resource "A" has no "Type" string/],
  ])('bad input, %s: exit 1 with the reason, no stack trace', async (_what, args, message) => {
    const result = await run(...args(), '--out', path.join(dir, 'unused'));
    expect(result.code).toBe(1);
    expect(result.err).toMatch(message);
    expect(result.err).not.toMatch(/\n\s+at /);
  });

  test('deterministic: two runs on the same input write byte-identical files, diagram included', async () => {
    const [a, b] = [path.join(dir, 'run-a'), path.join(dir, 'run-b')];
    await run(legacy, empty, '--out', a, '--region', 'eu-west-3');
    await run(legacy, empty, '--out', b, '--region', 'eu-west-3');
    const files = fs.readdirSync(a).sort();
    expect(files).toHaveLength(7);
    for (const f of files) expect({ f, same: fs.readFileSync(path.join(a, f), 'utf8') === fs.readFileSync(path.join(b, f), 'utf8') }).toEqual({ f, same: true });
  });

  test('--help prints the usage and exits 0', async () => {
    const result = await run('--help');
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('--fail-on not-met|not-evaluated');
  });
});
