/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // ts-jest with `isolatedModules` (tsconfig.json) transpiles file by file; `tsc --noEmit` type-checks.
  transform: { '^.+\\.tsx?$': ['ts-jest', { diagnostics: false }] },
  snapshotSerializers: ['<rootDir>/test/support/snapshot-serializer.ts'],
  // Synthesizing whole stacks is CPU-bound; two workers match the 2-core machines of CI.
  maxWorkers: 2,
  testTimeout: 120000,
};
