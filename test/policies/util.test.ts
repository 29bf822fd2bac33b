import { literalText, UnresolvableValueError } from '../../policies/rules/util';
import { testStack } from '../support/app';

describe('literalText (policies/rules/util.ts)', () => {
  const stack = testStack();

  test.each([
    [{ Ref: 'AWS::Region' }, 'eu-west-3'],
    [{ Ref: 'AWS::AccountId' }, '111111111111'],
    [{ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::docs-${AWS::Region}' }, 'arn:aws:s3:::docs-eu-west-3'],
    [{ 'Fn::Join': ['-', ['a', { Ref: 'AWS::Region' }]] }, 'a-eu-west-3'],
  ])('%j reads as %s', (value, text) => {
    expect(literalText(value, stack, 'Value')).toBe(text);
  });

  // A parameter may be named like a property every object has: it is a parameter, never a pseudo parameter.
  test.each(['toString', 'constructor', 'hasOwnProperty', '__proto__'])('{ Ref: %s } cannot be evaluated (not read from Object.prototype)', (name) => {
    expect(() => literalText({ Ref: name }, stack, 'Value')).toThrow(UnresolvableValueError);
    expect(() => literalText({ 'Fn::Sub': `x-\${${name}}` }, stack, 'Value')).toThrow(UnresolvableValueError);
  });
});
