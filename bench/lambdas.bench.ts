/**
 * Lambda bundle benchmark (never asserted in tests): for each function, the size of the bundle the
 * app deploys, and the median time to `require` it in a fresh Node process (the cold-start share that
 * the bundle itself costs).
 *
 *   npm run bench            # runs this after the synth benchmark
 *   npx tsx bench/lambdas.bench.ts 15
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { buildSync } from 'esbuild';
import { FUNCTION_BUNDLING } from '../lib/constructs/private-function';
import { PSEUDONYMISE_ENTRY } from '../lib/constructs/pseudonymisation';
import { RESTORE_VALIDATOR_ENTRY } from '../lib/constructs/restore-testing';
import { REVERSIBILITY_EXPORT_ENTRY } from '../lib/constructs/reversibility-export';

const FUNCTIONS = [
  { name: 'restore-validator', entry: RESTORE_VALIDATOR_ENTRY, bundling: FUNCTION_BUNDLING },
  { name: 'pseudonymise', entry: PSEUDONYMISE_ENTRY, bundling: FUNCTION_BUNDLING },
  { name: 'export', entry: REVERSIBILITY_EXPORT_ENTRY, bundling: FUNCTION_BUNDLING },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function coldRequireMs(file: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});console.log(Number(process.hrtime.bigint()-t)/1e6)`;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`require of ${file} failed:\n${child.stderr}`);
  return Number(child.stdout.trim());
}

const runs = Number(process.argv[2] ?? 9);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hds-lambda-bench-'));
console.log(`Lambda bundles: size and cold require, median of ${runs} fresh processes (node ${process.version})`);
console.log(`  ${'function'.padEnd(20)} ${'bytes'.padStart(10)} ${'gzip'.padStart(9)} ${'require ms'.padStart(11)}`);
for (const fn of FUNCTIONS) {
  const outfile = path.join(dir, `${fn.name}.js`);
  buildSync({
    entryPoints: [fn.entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    mainFields: [...fn.bundling.mainFields],
    minify: fn.bundling.minify,
    target: fn.bundling.target,
    logLevel: 'error',
  });
  const bytes = fs.statSync(outfile).size;
  const gzip = zlib.gzipSync(fs.readFileSync(outfile)).length;
  const times = Array.from({ length: runs }, () => coldRequireMs(outfile));
  console.log(`  ${fn.name.padEnd(20)} ${String(bytes).padStart(10)} ${String(gzip).padStart(9)} ${median(times).toFixed(1).padStart(11)}`);
}
fs.rmSync(dir, { recursive: true, force: true });
