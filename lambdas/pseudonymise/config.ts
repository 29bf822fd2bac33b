export interface Config {
  /** KMS key of the pseudonyms: key ARN, key id, alias name or alias ARN of an HMAC_256 key. */
  readonly keyId: string;
  /** At most this many GenerateMac calls in flight. */
  readonly concurrency: number;
}

export const DEFAULT_CONCURRENCY = 8;
export const MAX_CONCURRENCY = 64;

const KEY_ID =
  /^(?:arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(?:key\/(?:mrk-)?[0-9a-f-]{32,36}|alias\/[A-Za-z0-9/_-]{1,250})|alias\/[A-Za-z0-9/_-]{1,250}|(?:mrk-)?[0-9a-f-]{32,36})$/;

/**
 * Reads and validates the environment at invocation. Collects every problem and throws once, each message
 * naming the variable, the value received and what is allowed (a key id is not personal data).
 */
export function readConfig(env: NodeJS.ProcessEnv): Config {
  const problems: string[] = [];
  const keyId = env.PSEUDONYM_KEY_ID?.trim() ?? '';
  if (keyId === '') {
    problems.push('PSEUDONYM_KEY_ID is missing or empty: set it to the ARN or alias of the HMAC_256 pseudonymisation key');
  } else if (!KEY_ID.test(keyId) || keyId.startsWith('alias/aws/') || keyId.includes(':alias/aws/')) {
    problems.push(
      `PSEUDONYM_KEY_ID is '${keyId}', expected a customer-managed KMS key ARN, key id, alias (alias/<name>) or alias ARN`,
    );
  }

  let concurrency = DEFAULT_CONCURRENCY;
  const rawConcurrency = env.KMS_MAX_CONCURRENCY?.trim();
  if (rawConcurrency !== undefined && rawConcurrency !== '') {
    const value = /^\d+$/.test(rawConcurrency) ? Number(rawConcurrency) : NaN;
    if (!Number.isSafeInteger(value) || value < 1 || value > MAX_CONCURRENCY) {
      problems.push(`KMS_MAX_CONCURRENCY is '${rawConcurrency}', expected an integer from 1 to ${MAX_CONCURRENCY}`);
    } else {
      concurrency = value;
    }
  }

  if (problems.length > 0) throw new ConfigError(`pseudonymise configuration is invalid: ${problems.join('; ')}`);
  return { keyId, concurrency };
}

export class ConfigError extends Error {
  readonly code = 'InvalidConfiguration';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
