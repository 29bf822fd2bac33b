export interface KmsKeyArn {
  readonly arn: string;
  readonly region: string;
  readonly account: string;
  readonly keyId: string;
}

const KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):key\/([A-Za-z0-9-]+)$/;

export function parseKmsKeyArn(value: string): KmsKeyArn | undefined {
  const m = KEY_ARN.exec(value);
  return m ? { arn: value, region: m[1], account: m[2], keyId: m[3] } : undefined;
}

export function isKmsAlias(value: string): boolean {
  return value.startsWith('alias/') || /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:alias\//.test(value);
}

/**
 * Whether a key reference seen on a resource (key ARN or bare key id) designates the expected key.
 * An ARN must match whole: a multi-Region replica shares the key id but lives in another Region, so
 * comparing ids alone would accept a copy of the key outside the allow-list. A bare id, which carries
 * no Region, is matched against the expected key's id. Aliases must be resolved by the caller first.
 */
export function sameKey(seen: string, expectedArn: string): boolean {
  const expected = parseKmsKeyArn(expectedArn);
  if (!expected) return false;
  if (seen.startsWith('arn:')) return seen === expected.arn;
  return seen === expected.keyId;
}
