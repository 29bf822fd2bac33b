import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cdkJsonContext } from '../support/app';

/**
 * End to end through the real entry point, the way the CDK CLI runs it: `cdk synth` starts the
 * `app` command of cdk.json (`npx tsx bin/app.ts`) with the context in CDK_CONTEXT_JSON and the
 * output directory in CDK_OUTDIR; `new App()` in aws-cdk-lib 2.276 reads both
 * (`App#readContextFromEnvironment`, cx-api `CONTEXT_ENV` / `OUTDIR_ENV`).
 */
const ROOT = path.resolve(__dirname, '..', '..');
const EEA_REGIONS = 'eu-west-3, eu-west-1, eu-central-1, eu-south-1, eu-south-2, eu-north-1';

const outdirs: string[] = [];

/** A fresh, empty output directory, removed after the file's tests. */
function newOutdir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hds-cli-'));
  outdirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of outdirs) fs.rmSync(dir, { recursive: true, force: true });
});

function runApp(context: Record<string, unknown>, outdir: string): SpawnSyncReturns<string> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The CLI does not run the app under jest's NODE_ENV=test (which changes how CDK reports
  // validation), and no context may leak in from a parent CDK process.
  delete env.NODE_ENV;
  delete env.CONTEXT_OVERFLOW_LOCATION_ENV;
  env.CDK_CONTEXT_JSON = JSON.stringify(context);
  env.CDK_OUTDIR = outdir;
  env.CDK_DISABLE_VERSION_CHECK = '1';
  return spawnSync('npx', ['tsx', 'bin/app.ts'], { cwd: ROOT, env, encoding: 'utf8', timeout: 90_000 });
}

function expectRefused(result: SpawnSyncReturns<string>): void {
  expect(result.error).toBeUndefined();
  expect(result.signal).toBeNull(); // not killed by the timeout
  expect(result.status).not.toBeNull();
  expect(result.status).not.toBe(0);
}

describe.each(['us-east-1', 'eu-central-2'])('bin/app.ts with hds.region = %s', (region) => {
  let outdir: string;
  let result: SpawnSyncReturns<string>;

  beforeAll(() => {
    outdir = newOutdir();
    result = runApp({ ...cdkJsonContext(), hds: { region } }, outdir);
  });

  it('exits non-zero', () => {
    expectRefused(result);
  });

  it('says on stderr which field is wrong, the value received and the allowed regions', () => {
    expect(result.stderr).toMatch(/Invalid hds-blueprint configuration \(.*\), 1 problem\(s\); nothing was synthesized:/);
    expect(result.stderr).toContain(`  - region: received "${region}"; allowed: one of the HDS-certified EEA regions: ${EEA_REGIONS}`);
  });

  it('prints the problem, not a stack trace', () => {
    expect(result.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  });

  it('writes nothing into the output directory', () => {
    expect(fs.readdirSync(outdir)).toEqual([]);
  });
});

describe('bin/app.ts with -c config=<missing file>', () => {
  it('exits non-zero, names the file and writes nothing', () => {
    const outdir = newOutdir();
    const missing = path.join(outdir, 'missing-config.json');
    const result = runApp({ ...cdkJsonContext(), config: missing, hds: { region: 'eu-west-1' } }, outdir);
    expectRefused(result);
    expect(result.stderr).toContain(`cannot read ${missing}: the file does not exist`);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });
});

describe('bin/app.ts with a valid config in the context (control for the tests above)', () => {
  it('exits 0 and writes the templates of the stacks named after hds.environment', () => {
    const outdir = newOutdir();
    const result = runApp({ ...cdkJsonContext(), hds: { environment: 'clicheck' } }, outdir);
    expect(result.stderr).not.toMatch(/Invalid hds-blueprint configuration/);
    expect(result.status).toBe(0);
    const written = fs.readdirSync(outdir);
    expect(written).toEqual(
      expect.arrayContaining(['manifest.json', 'clicheck-foundation.template.json', 'clicheck-network.template.json']),
    );
    expect(written.filter((f) => f.startsWith('hds-'))).toEqual([]);
  });
});
