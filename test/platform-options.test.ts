import * as fs from 'node:fs';
import * as path from 'node:path';
import { readCloudAssembly } from '../lib/report/assembly';
import { buildEvidence } from '../lib/report/evidence';
import { buildTestPlatform } from './support/platform';

/**
 * Platforms with the options the default leaves off (issue 8), synthesized with every check as `npm run synth`
 * would: the SFTP exchange, private with service-managed users and internet-facing with the editor's identity
 * function and no application; care-sheet copies under a lock. Under jest, synth throws on any
 * unacknowledged finding of any pack.
 */
const USERS = [{ name: 'labo-biomed', sshPublicKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl labo'] }];

describe.each([
  ['private, service-managed users', { exchange: { enabled: true, users: USERS } }],
  [
    'internet-facing, identity function, no application',
    {
      application: { enabled: false },
      exchange: {
        enabled: true,
        internetFacing: true,
        allowedSourceCidrs: ['203.0.113.0/24'],
        identityProviderFunctionArn: 'arn:aws:lambda:eu-west-3:111111111111:function:sftp-identity',
      },
    },
  ],
  [
    'care-sheet copies under a 90-day lock, private exchange',
    { documents: { retention: { preset: 'care-sheet-copies', lockDays: 90, previousVersionsDays: 90 } }, exchange: { enabled: true, users: USERS } },
  ],
] as const)('the platform with a secure exchange (%s)', (_, config) => {
  const built = buildTestPlatform({ config: config as never, checks: true });
  const assembly = built.app.synth();

  test('synthesizes with every check and no unacknowledged finding', () => {
    expect(assembly.stacks.map((s) => s.stackName)).toContain('hds-exchange');
    const report = JSON.parse(fs.readFileSync(path.join(built.outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; violations: unknown[] }[];
    };
    for (const plugin of report.pluginReports) expect({ plugin: plugin.pluginName, violations: plugin.violations }).toEqual({ plugin: plugin.pluginName, violations: [] });
  });

  test('the evidence report passes, and the exchange bucket is traced (LOG-02) and judged for DATA-01', () => {
    const evidence = buildEvidence(readCloudAssembly(built.outdir));
    expect(evidence.summary.verdict).toBe('pass');
    const resources = (id: string) => evidence.controls.find((c) => c.id === id)!.resources.map((r) => `${r.stack}/${r.logicalId}`);
    expect(resources('LOG-02')).toContain('hds-exchange/ExchangeBucket3BB5D61E');
    expect(resources('DATA-01')).toContain('hds-exchange/ExchangeBucket3BB5D61E');
    expect(resources('ENC-03')).toEqual(expect.arrayContaining([expect.stringMatching(/^hds-exchange\/ExchangeServer/)]));
    // DATA-01 judges the documents bucket too: with a lock, the lock-within-expiry rule finds it compliant.
    const data01 = evidence.controls.find((c) => c.id === 'DATA-01')!;
    expect(data01.status).toBe('met');
    expect(data01.resources.map((r) => r.stack)).toContain('hds-data');
  });
});
