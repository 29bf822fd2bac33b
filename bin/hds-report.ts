/**
 * hds-report: the evidence report of a cdk.out directory or of any CloudFormation templates.
 *
 *   npx hds-report <cdk.out dir | template files...> [--format json|md|html] [--lang fr|en] [--out DIR]
 *                  [--fail-on not-met|not-evaluated] [--region REGION] [--allowed-regions R1,R2]
 *
 * Exit codes: 0 the report was written (its verdict is inside); 1 bad usage or bad input (the message says
 * which and why); 3 the report was written and `--fail-on` found a control in that status.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { REPORT_FORMATS, REPORT_LANGS, ReportInputError, writeReport, type ReportFormat } from '../lib/report';
import { HDS_EEA_REGIONS } from '../policies/regions';
import type { Lang } from '../lib/report/words';

const USAGE = `Usage: hds-report <cdk.out directory | template.json|.yaml ...> [options]

Writes the HDS evidence report (control by control: met, not met, acknowledged...) of a synthesized cloud
assembly or of CloudFormation templates from any tool.

Options:
  --format json|md|html           only this format (repeatable; default: all three)
  --lang fr|en                    only this language (repeatable; default: both)
  --out DIR                       where to write the report (default: ./hds-report)
  --fail-on not-met|not-evaluated exit 3 when a control is not met (or, with not-evaluated, not met or not evaluated)
  --region REGION                 region of templates that do not state it (judges RES-01 and data location)
  --allowed-regions R1,R2         regions data may live in (default: stated by the templates, else every HDS EEA region)
  -h, --help                      this help
`;

class UsageError extends Error {}

function oneOf<T extends string>(flag: string, values: readonly string[] | undefined, allowed: readonly T[]): T[] | undefined {
  for (const v of values ?? []) {
    if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`--${flag}: received "${v}"; allowed: ${allowed.join(', ')}`);
  }
  return values && values.length > 0 ? [...new Set(values)] as T[] : undefined;
}

const parse = (argv: readonly string[]) =>
  parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      format: { type: 'string', multiple: true },
      lang: { type: 'string', multiple: true },
      out: { type: 'string' },
      'fail-on': { type: 'string' },
      region: { type: 'string' },
      'allowed-regions': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });

/** Runs the command; resolves to its exit code (never throws). */
export async function main(argv: readonly string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    try {
      args = parse(argv);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (args.values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (args.positionals.length === 0) throw new UsageError('no input: pass a cdk.out directory or one or more CloudFormation template files');
    const formats = oneOf<ReportFormat>('format', args.values.format, REPORT_FORMATS);
    const langs = oneOf<Lang>('lang', args.values.lang, REPORT_LANGS);
    const failOn = oneOf('fail-on', args.values['fail-on'] === undefined ? undefined : [args.values['fail-on']], ['not-met', 'not-evaluated'] as const)?.[0];
    const hds = HDS_EEA_REGIONS as readonly string[];
    const region = args.values.region;
    if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new UsageError(`--region: received "${region}"; allowed: an AWS region name such as eu-west-3`);
    const allowedRegions = args.values['allowed-regions']?.split(',').map((r) => r.trim()).filter((r) => r.length > 0);
    for (const r of allowedRegions ?? []) {
      if (!hds.includes(r)) throw new UsageError(`--allowed-regions: received "${r}"; allowed: HDS EEA regions among ${hds.join(', ')}`);
    }
    const outDir = path.resolve(args.values.out ?? 'hds-report');
    const { evidence, files } = await writeReport(args.positionals, outDir, {
      formats,
      langs,
      region,
      checkOptions: allowedRegions ? { allowedRegions } : undefined,
    });
    const s = evidence.summary;
    const counts = Object.entries(s.statusCounts).map(([k, v]) => `${k} ${v}`).join(', ');
    process.stdout.write(`HDS evidence report: ${s.verdict} (${counts})\n${files.map((f) => `  ${path.relative(process.cwd(), f)}\n`).join('')}`);
    const failing = failOn === undefined ? [] : evidence.controls.filter((c) => c.status === 'not-met' || (failOn === 'not-evaluated' && c.status === 'not-evaluated'));
    if (failing.length > 0) {
      process.stderr.write(`--fail-on ${failOn}: ${failing.map((c) => `${c.id} (${c.status})`).join(', ')}\n`);
      return 3;
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`hds-report: ${error.message}\n\n${USAGE}`);
      return 1;
    }
    if (error instanceof ReportInputError) {
      process.stderr.write(`hds-report: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`hds-report: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
