import * as fs from 'node:fs';
import * as path from 'node:path';

/** A CloudFormation template, as far as the report reads it. */
export interface Template {
  readonly Resources?: Record<string, TemplateResource>;
}

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
}

export interface StackArtifact {
  readonly name: string;
  /** `aws://<account>/<region>`, as the cloud assembly states it. */
  readonly account: string;
  readonly region: string;
  readonly template: Template;
}

/** One finding of a validation plugin, as `validation-report.json` records it. */
export interface ReportedViolation {
  readonly ruleName: string;
  readonly description: string;
  readonly severity?: string;
  readonly violatingConstructs?: readonly { readonly constructPath: string }[];
  readonly acknowledgedId?: string;
  readonly reason?: string;
  readonly acknowledgedAt?: string;
}

export interface PluginReport {
  readonly pluginName: string;
  readonly conclusion: string;
  readonly violations: readonly ReportedViolation[];
  readonly suppressedViolations?: readonly ReportedViolation[];
}

export interface CloudAssemblyInput {
  readonly directory: string;
  readonly stacks: readonly StackArtifact[];
  /** Absent when the app registered no validation plugin. */
  readonly pluginReports?: readonly PluginReport[];
}

interface Manifest {
  readonly artifacts?: Record<
    string,
    { readonly type: string; readonly environment?: string; readonly properties?: { readonly templateFile?: string } }
  >;
}

function readJson<T>(file: string, what: string): T {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (error) {
    throw new Error(`Cannot read ${what} ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** Reads the stacks and the validation report of a synthesized cloud assembly (`cdk.out`). */
export function readCloudAssembly(directory: string): CloudAssemblyInput {
  const manifestFile = path.join(directory, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new Error(`${directory} is not a cloud assembly: it has no manifest.json. Run "npm run synth" first`);
  }
  const manifest = readJson<Manifest>(manifestFile, 'cloud assembly manifest');
  const stacks: StackArtifact[] = [];
  for (const [name, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
    const match = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment ?? '');
    stacks.push({
      name,
      account: match?.[1] ?? 'unknown-account',
      region: match?.[2] ?? 'unknown-region',
      template: readJson<Template>(path.join(directory, artifact.properties.templateFile), 'template'),
    });
  }
  if (stacks.length === 0) throw new Error(`${directory} holds no CloudFormation stack: nothing to report on`);
  stacks.sort((a, b) => a.name.localeCompare(b.name));
  const reportFile = path.join(directory, 'validation-report.json');
  const pluginReports = fs.existsSync(reportFile)
    ? readJson<{ pluginReports: PluginReport[] }>(reportFile, 'validation report').pluginReports
    : undefined;
  return { directory, stacks, pluginReports };
}
