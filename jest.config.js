/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['@swc/jest'] },
  snapshotSerializers: ['<rootDir>/test/support/snapshot-serializer.ts'],
  // Synthesizing whole stacks is CPU-bound; two workers match the 2-core machines of CI.
  maxWorkers: 2,
  testTimeout: 120000,
};
