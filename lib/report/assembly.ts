import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseTemplate, ReportInputError, stackNameOf } from './templates';

/** A CloudFormation template, as far as the report reads it. */
export interface Template {
  readonly Resources?: Record<string, TemplateResource>;
  readonly Outputs?: Record<string, { readonly Value?: unknown; readonly Export?: { readonly Name?: unknown } }>;
  readonly Metadata?: Record<string, unknown>;
}

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
}

export interface StackArtifact {
  readonly name: string;
  /** From the cloud assembly's `aws://<account>/<region>`; undefined when the input does not say. */
  readonly account?: string;
  readonly region?: string;
  readonly template: Template;
  /** The file the template was read from. */
  readonly source: string;
  /** Construct path of each logical id, from the cloud assembly's metadata (present even without path metadata). */
  readonly paths?: Readonly<Record<string, string>>;
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
  /** A synthesized cloud assembly (with check results), or plain template files. */
  readonly kind: 'cloud-assembly' | 'templates';
  readonly stacks: readonly StackArtifact[];
  /** Absent when the app registered no validation plugin. */
  readonly pluginReports?: readonly PluginReport[];
}

interface Manifest {
  readonly artifacts?: Record<
    string,
    {
      readonly type: string;
      readonly environment?: string;
      readonly properties?: { readonly templateFile?: string };
      readonly metadata?: ArtifactMetadata;
      readonly additionalMetadataFile?: string;
    }
  >;
}

function readJson<T>(file: string, what: string): T {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (error) {
    throw new ReportInputError(`Cannot read the ${what} ${file}: ${(error as Error).message}`);
  }
}

type ArtifactMetadata = Record<string, readonly { readonly type: string; readonly data?: unknown }[]>;

/** Logical id -> construct path, from the `aws:cdk:logicalId` entries of a stack artifact's metadata. */
function pathsOf(directory: string, artifact: { metadata?: ArtifactMetadata; additionalMetadataFile?: string }): Record<string, string> {
  const metadata: ArtifactMetadata = {
    ...artifact.metadata,
    ...(artifact.additionalMetadataFile ? readJson<ArtifactMetadata>(path.join(directory, artifact.additionalMetadataFile), 'stack metadata') : {}),
  };
  const paths: Record<string, string> = {};
  for (const [constructPath, entries] of Object.entries(metadata)) {
    for (const entry of entries) {
      if (entry.type === 'aws:cdk:logicalId' && typeof entry.data === 'string') paths[entry.data] = constructPath.replace(/^\//, '');
    }
  }
  return paths;
}

const isConcrete = (value: string | undefined) => value !== undefined && !value.startsWith('unknown-');

/** Reads the stacks and the validation report of a synthesized cloud assembly (`cdk.out`). */
export function readCloudAssembly(directory: string): CloudAssemblyInput {
  const manifestFile = path.join(directory, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new ReportInputError(`${directory} is not a cloud assembly: it has no manifest.json. Pass a cdk.out directory written by "cdk synth" (or template files)`);
  }
  const manifest = readJson<Manifest>(manifestFile, 'cloud assembly manifest');
  const stacks: StackArtifact[] = [];
  for (const [name, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
    const match = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment ?? '');
    const source = path.join(directory, artifact.properties.templateFile);
    stacks.push({
      name,
      account: isConcrete(match?.[1]) ? match?.[1] : undefined,
      region: isConcrete(match?.[2]) ? match?.[2] : undefined,
      template: readJson<Template>(source, 'template'),
      source,
      paths: pathsOf(directory, artifact),
    });
  }
  if (stacks.length === 0) throw new ReportInputError(`${directory} holds no CloudFormation stack: nothing to report on. Synthesize the app first`);
  stacks.sort((a, b) => a.name.localeCompare(b.name));
  const reportFile = path.join(directory, 'validation-report.json');
  const pluginReports = fs.existsSync(reportFile)
    ? readJson<{ pluginReports: PluginReport[] }>(reportFile, 'validation report').pluginReports
    : undefined;
  return { kind: 'cloud-assembly', stacks, pluginReports };
}

/**
 * Reads the report's input: one cdk.out directory, or one or more CloudFormation templates (JSON or YAML),
 * each a stack named after its file. Every problem is a `ReportInputError` that names the input.
 */
export function readReportInput(inputs: readonly string[], options: { readonly region?: string; readonly account?: string } = {}): CloudAssemblyInput {
  if (inputs.length === 0) throw new ReportInputError('no input: pass a cdk.out directory or one or more CloudFormation template files');
  for (const input of inputs) {
    if (!fs.existsSync(input)) {
      throw new ReportInputError(`${input} does not exist: pass a cdk.out directory or CloudFormation template files (.json, .yaml, .yml, .template)`);
    }
  }
  const directories = inputs.filter((i) => fs.statSync(i).isDirectory());
  if (directories.length > 0) {
    if (inputs.length > 1) throw new ReportInputError(`pass either one cdk.out directory or template files, not both (received ${inputs.join(', ')})`);
    const assembly = readCloudAssembly(inputs[0]);
    return options.region === undefined ? assembly : { ...assembly, stacks: assembly.stacks.map((s) => ({ ...s, region: s.region ?? options.region })) };
  }
  // Stack names are unique: a second `portal.json` (from another folder) becomes portal-2, or portal-3 when
  // another input is itself named portal-2.
  const bases = new Set(inputs.map(stackNameOf));
  const used = new Set<string>();
  const stacks = inputs.map((file) => {
    const base = stackNameOf(file);
    let name = base;
    for (let k = 2; used.has(name) || (name !== base && bases.has(name)); k++) name = `${base}-${k}`;
    used.add(name);
    return {
      name,
      account: options.account,
      region: options.region,
      template: parseTemplate(file, fs.readFileSync(file, 'utf8')),
      source: file,
    };
  });
  return { kind: 'templates', stacks };
}
