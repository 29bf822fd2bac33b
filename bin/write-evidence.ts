#!/usr/bin/env node
/** Writes the evidence report of a synthesized cloud assembly: `tsx bin/write-evidence.ts [cdk.out]`. */
import { writeEvidence } from '../lib/report';

const dir = process.argv[2] ?? 'cdk.out';
writeEvidence(dir).then(
  ({ evidence, files }) => {
    const counts = Object.entries(evidence.summary.statusCounts).map(([k, v]) => `${k} ${v}`).join(', ');
    console.log(`Evidence report (${evidence.summary.verdict}; ${counts}):`);
    for (const file of files) console.log(`  ${file}`);
    if (evidence.summary.verdict === 'fail') process.exit(2);
  },
  (error: Error) => {
    console.error(`Cannot write the evidence report: ${error.message}`);
    process.exit(1);
  },
);
