#!/usr/bin/env node
// Entry point of `npx hds-report`: runs the TypeScript source through tsx (see bin/hds-report.ts).
require('tsx/cjs');
const { main } = require('./hds-report.ts');
main(process.argv.slice(2)).then((code) => process.exit(code));
