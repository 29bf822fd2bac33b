import { Template } from 'aws-cdk-lib/assertions';
import { buildTestPlatform } from '../support/platform';

/**
 * One snapshot per stack of the default platform (STYLE.md 13-15). A snapshot is never the only test
 * of a behaviour: the construct tests assert each control. Re-record (`npx jest -u`) only after
 * reading the diff.
 */
describe('default platform stacks', () => {
  const { platform } = buildTestPlatform();
  for (const name of ['foundation', 'network', 'data', 'audit', 'backup', 'detection', 'access', 'app', 'privacy'] as const) {
    test(`${name} stack matches its snapshot`, () => {
      expect(Template.fromStack(platform[name]!).toJSON()).toMatchSnapshot();
    });
  }
});
