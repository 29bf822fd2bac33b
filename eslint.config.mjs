import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.cdk-home/', 'coverage/', '.stryker-tmp/', 'reports/', '.scratch/', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // The AGPL policy simulator is a test-only tool (DESIGN.md, Licences).
    files: ['bin/**/*.ts', 'lib/**/*.ts', 'lambdas/**/*.ts', 'policies/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@cloud-copilot/*'] }],
    },
  },
);
