/**
 * Writes the guardrail documents for the default allow-list next to this file, for editors who apply them by
 * hand (README.md). A test fails when a committed file differs from what the generator returns:
 * regenerate with `npx tsx policies/guardrails/generate.ts`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_GUARDRAIL_REGIONS, permissionsBoundaryDocument, scpDocument, type PolicyDocumentJson } from './region-deny';

/** The committed documents, by file name. */
export function guardrailFiles(): Record<string, PolicyDocumentJson> {
  return {
    'region-deny-scp.json': scpDocument(DEFAULT_GUARDRAIL_REGIONS),
    'permissions-boundary.json': permissionsBoundaryDocument(DEFAULT_GUARDRAIL_REGIONS),
  };
}

/** The text of a committed document: two-space JSON and a final newline. */
export function renderGuardrailFile(document: PolicyDocumentJson): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

if (require.main === module) {
  for (const [name, document] of Object.entries(guardrailFiles())) {
    fs.writeFileSync(path.join(__dirname, name), renderGuardrailFile(document));
    console.log(`wrote policies/guardrails/${name}`);
  }
}
