/**
 * Mutation testing of the HDS rules, one rule file at a time, each against its own fixtures.
 *
 *   npm run mutation                 # every rule of policies/rules/
 *   npm run mutation -- bak data     # only these areas
 *   npm run mutation -- bak/vaults   # only this rule file (area/file, .ts optional)
 *
 * Why per rule: most fixtures run the whole pack, so with Stryker's "related tests" every mutant of a
 * shared file would re-run nearly every fixture (a three-area run was estimated at about 70 hours on two
 * cores). A rule's own fixture file (`test/policies/rules/<control>-<rule-file>.test.ts`) is what must
 * kill its mutants. Shared `support.ts` files are not mutated by this script. A rule file whose fixtures
 * are not named after it is listed in FIXTURES_OF.
 *
 * Prints the score of each rule and the total (killed + timed out over all mutants with coverage and
 * without), and writes reports/mutation/summary.json.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const RULES = path.join(ROOT, 'policies', 'rules');
const FIXTURES = path.join(ROOT, 'test', 'policies', 'rules');
const selectors = process.argv.slice(2);
const areas = selectors.map((s) => s.split('/')[0]);
/** Rule files asked for by name (`area/file`); an area asked for alone selects all its files. */
const selected = (area: string, file: string) =>
  selectors.length === 0 || selectors.includes(area) || selectors.some((s) => s.replace(/\.ts$/, '') === `${area}/${file.replace(/\.ts$/, '')}`);

/**
 * Rule files whose fixtures are not named after them (paths under policies/rules -> fixture files). A
 * helper shared by several rules is mutated against the fixtures of every rule that calls it.
 */
const FIXTURES_OF: Readonly<Record<string, readonly string[]>> = {
  'res/boundary.ts': ['res03-role-bounded.test.ts'],
  'bak/vaults.ts': ['bak01-plan-retention-within-lock.test.ts', 'bak03-restore-tested.test.ts'],
};

interface Score {
  readonly rule: string;
  readonly fixtures: readonly string[];
  readonly killed: number;
  readonly survived: number;
  readonly noCoverage: number;
  readonly total: number;
}

function ruleFiles(): { file: string; fixtures: readonly string[] }[] {
  const found: { file: string; fixtures: readonly string[] }[] = [];
  const fixtureFiles = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.test.ts'));
  for (const area of fs.readdirSync(RULES).filter((d) => fs.statSync(path.join(RULES, d)).isDirectory()).sort()) {
    if (areas.length > 0 && !areas.includes(area)) continue;
    for (const file of fs.readdirSync(path.join(RULES, area)).sort()) {
      if (!file.endsWith('.ts') || ['index.ts', 'support.ts'].includes(file) || !selected(area, file)) continue;
      const stem = file.replace(/\.ts$/, '');
      const named = fixtureFiles.find((f) => f.endsWith(`-${stem}.test.ts`) && f.startsWith(area));
      const fixtures = FIXTURES_OF[`${area}/${file}`] ?? (named ? [named] : []);
      const missing = fixtures.filter((f) => !fixtureFiles.includes(f));
      if (missing.length > 0) throw new Error(`fixture file(s) ${missing.join(', ')} listed for ${area}/${file} do not exist`);
      if (fixtures.length > 0) found.push({ file: path.join('policies', 'rules', area, file), fixtures });
      else console.log(`  (no fixture file named <control>-${stem}.test.ts for ${area}/${file}: skipped)`);
    }
  }
  return found;
}

function run(rule: { file: string; fixtures: readonly string[] }): Score {
  const report = path.join('reports', 'mutation', `${rule.file.replace(/[/\\]/g, '_')}.json`);
  const config = {
    packageManager: 'npm',
    testRunner: 'jest',
    jest: {
      projectType: 'custom',
      configFile: 'jest.config.js',
      // The roots include policies/ and lib/ so that jest's dependency graph reaches the rule from its fixtures.
      config: {
        roots: ['<rootDir>/test/policies', '<rootDir>/policies', '<rootDir>/lib'],
        testMatch: rule.fixtures.map((f) => `<rootDir>/test/policies/rules/${f}`),
      },
    },
    mutate: [rule.file],
    coverageAnalysis: 'perTest',
    ignoreStatic: true,
    concurrency: 2,
    timeoutMS: 60000,
    reporters: ['json'],
    jsonReporter: { fileName: report },
    tempDirName: '.stryker-tmp',
    cleanTempDir: 'always',
  };
  const configFile = path.join(ROOT, '.stryker-rule.json');
  fs.writeFileSync(configFile, JSON.stringify(config));
  const child = spawnSync('npx', ['stryker', 'run', configFile], { cwd: ROOT, encoding: 'utf8' });
  fs.rmSync(configFile, { force: true });
  if (child.status !== 0) throw new Error(`stryker failed on ${rule.file}:\n${child.stdout}\n${child.stderr}`);
  const json = JSON.parse(fs.readFileSync(path.join(ROOT, report), 'utf8')) as {
    files: Record<string, { mutants: { status: string }[] }>;
  };
  const statuses = Object.values(json.files).flatMap((f) => f.mutants.map((m) => m.status));
  const count = (...s: string[]) => statuses.filter((x) => s.includes(x)).length;
  return {
    rule: rule.file,
    fixtures: rule.fixtures,
    killed: count('Killed', 'Timeout'),
    survived: count('Survived'),
    noCoverage: count('NoCoverage'),
    total: count('Killed', 'Timeout', 'Survived', 'NoCoverage'),
  };
}

const scores: Score[] = [];
for (const rule of ruleFiles()) {
  const score = run(rule);
  scores.push(score);
  console.log(`  ${((100 * score.killed) / Math.max(score.total, 1)).toFixed(1).padStart(5)}%  ${score.rule} (${score.killed}/${score.total})`);
}
const killed = scores.reduce((a, s) => a + s.killed, 0);
const total = scores.reduce((a, s) => a + s.total, 0);
console.log(`mutation score: ${((100 * killed) / Math.max(total, 1)).toFixed(1)}% (${killed} of ${total} mutants killed, ${scores.length} rules)`);
fs.mkdirSync(path.join(ROOT, 'reports', 'mutation'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'reports', 'mutation', 'summary.json'), `${JSON.stringify({ killed, total, scores }, null, 2)}\n`);
