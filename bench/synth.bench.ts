/**
 * Synth benchmark: medians over several runs, all measured in one `npm run bench` (never asserted in
 * tests; the machine is shared, so only medians and ratios taken in the same run mean something).
 *
 *   npm run bench            # 5 runs of each variant
 *   npm run bench -- 9       # 9 runs
 *
 * Variants: the default platform synthesized with no checks, and with every check (AwsSolutions,
 * HIPAA Security and CDK's built-in CloudFormation validation), as `npm run synth` does.
 * - cold: a new Node process per run, timed from process start to the end of synth (what each
 *   `npm run synth` pays, minus the CDK CLI's own start-up);
 * - warm: repeated synths in one process after a first one (what a test file pays after its first).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { App } from 'aws-cdk-lib';
import { registerChecks } from '../lib/checks';
import { parseConfig } from '../lib/config';
import { buildPlatform } from '../lib/platform';

const context = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> })
  .context;

interface Sample {
  /** From the start of synth (app creation) to the end of `app.synth()`. */
  readonly synthMs: number;
  /** From process start to the end of `app.synth()`. */
  readonly processMs: number;
  readonly resources: Record<string, number>;
}

function synthOnce(checks: boolean): Sample {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hds-bench-'));
  const start = performance.now();
  // CDK runs its CloudFormation validation on every synth unless told not to: "no checks" turns it off.
  const app = new App({
    outdir,
    builtinCloudFormationValidation: checks,
    context: { ...context, '@aws-cdk/core:validateAgainstDefaultRules': checks },
  });
  const config = parseConfig({});
  buildPlatform(app, config);
  if (checks) registerChecks(app, config);
  const assembly = app.synth();
  const end = performance.now();
  const resources = Object.fromEntries(
    assembly.stacks.map((s) => [s.stackName, Object.keys((s.template as { Resources?: object }).Resources ?? {}).length]),
  );
  fs.rmSync(outdir, { recursive: true, force: true });
  return { synthMs: end - start, processMs: end, resources };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function coldRun(checks: boolean): Sample {
  const child = spawnSync(process.execPath, [...process.execArgv, __filename, '--child', checks ? 'checks' : 'none'], {
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`benchmark child failed (exit ${child.status}):\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as Sample;
}

function main(): void {
  const runs = Number(process.argv[2] ?? 5);
  const cold = { none: [] as number[], checks: [] as number[] };
  const warm = { none: [] as number[], checks: [] as number[] };
  let resources: Record<string, number> = {};
  // Interleaved, so that load from other processes on the shared machine hits every variant alike.
  for (let i = 0; i < runs; i++) {
    cold.none.push(coldRun(false).processMs);
    const c = coldRun(true);
    cold.checks.push(c.processMs);
    resources = c.resources;
  }
  synthOnce(false);
  synthOnce(true);
  for (let i = 0; i < runs; i++) {
    warm.none.push(synthOnce(false).synthMs);
    warm.checks.push(synthOnce(true).synthMs);
  }
  const row = (label: string, none: number[], checks: number[]) => {
    const [n, c] = [median(none), median(checks)];
    console.log(`  ${label.padEnd(6)} ${n.toFixed(0).padStart(8)} ms ${c.toFixed(0).padStart(12)} ms ${(c / n).toFixed(2).padStart(8)}`);
  };
  console.log(`hds-blueprint synth benchmark: medians of ${runs} runs (node ${process.version}, ${os.cpus().length} cores)`);
  console.log(`  ${''.padEnd(6)} ${'no checks'.padStart(11)} ${'every check'.padStart(15)} ${'ratio'.padStart(8)}`);
  row('cold', cold.none, cold.checks);
  row('warm', warm.none, warm.checks);
  console.log('  resources per stack:');
  for (const [stack, n] of Object.entries(resources).sort()) console.log(`    ${stack.padEnd(18)} ${n}`);
  console.log(`    ${'total'.padEnd(18)} ${Object.values(resources).reduce((a, b) => a + b, 0)}`);
}

if (process.argv[2] === '--child') {
  console.log(JSON.stringify(synthOnce(process.argv[3] === 'checks')));
} else {
  main();
}
