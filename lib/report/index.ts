import * as fs from 'node:fs';
import * as path from 'node:path';
import { readCloudAssembly } from './assembly';
import { buildEvidence, type Evidence } from './evidence';
import { renderMarkdown } from './markdown';

export * from './assembly';
export * from './evidence';
export * from './markdown';

/** Writes `evidence.json`, `evidence.fr.md` and `evidence.en.md` into `<assembly>/evidence/`. */
export function writeEvidence(assemblyDir: string, outDir = path.join(assemblyDir, 'evidence')): { evidence: Evidence; files: string[] } {
  const evidence = buildEvidence(readCloudAssembly(assemblyDir));
  fs.mkdirSync(outDir, { recursive: true });
  const files = [
    ['evidence.json', `${JSON.stringify(evidence, null, 2)}\n`],
    ['evidence.fr.md', renderMarkdown(evidence, 'fr')],
    ['evidence.en.md', renderMarkdown(evidence, 'en')],
  ].map(([name, content]) => {
    const file = path.join(outDir, name);
    fs.writeFileSync(file, content);
    return file;
  });
  return { evidence, files };
}
