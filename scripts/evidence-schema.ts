/** Writes docs/evidence.schema.json (JSON Schema of the evidence report) from lib/report/schema.ts: `npx tsx scripts/evidence-schema.ts`. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evidenceJsonSchema } from '../lib/report/schema';

const file = path.join(__dirname, '..', 'docs', 'evidence.schema.json');
fs.writeFileSync(file, `${JSON.stringify(evidenceJsonSchema(), null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), file)}`);
