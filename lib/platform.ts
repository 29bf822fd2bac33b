import { Aspects, type App } from 'aws-cdk-lib';
import { StatefulResourcesRetained } from './aspects/stateful-retention';
import { applyPlatformTags } from './aspects/tags';
import type { HdsConfig } from './config';
import { AuditStack } from './stacks/audit-stack';
import { DataStack } from './stacks/data-stack';
import { FoundationStack } from './stacks/foundation-stack';
import { NetworkStack } from './stacks/network-stack';
import { acknowledgePlatformFindings } from './platform-acknowledgements';

export interface Platform {
  readonly foundation: FoundationStack;
  readonly network: NetworkStack;
  readonly data: DataStack;
  readonly audit: AuditStack;
}

/**
 * Composes the platform's stacks from a validated config. Stack ids are part of the contract
 * (renaming one replaces every resource in it).
 */
export function buildPlatform(app: App, config: HdsConfig): Platform {
  const name = (part: string) => `${config.environment}-${part}`;
  const foundation = new FoundationStack(app, name('foundation'), { config });
  const network = new NetworkStack(app, name('network'), { config, logsKey: foundation.keys.logs });
  const data = new DataStack(app, name('data'), {
    config,
    network: network.network,
    dataKey: foundation.keys.data,
    logsKey: foundation.keys.logs,
    accessLogs: foundation.logArchive.accessLogs,
  });
  const audit = new AuditStack(app, name('audit'), {
    config,
    logsKey: foundation.keys.logs,
    archive: foundation.logArchive.archive,
    healthDataBuckets: [data.store.documents],
  });

  applyPlatformTags(app, config);
  Aspects.of(app).add(new StatefulResourcesRetained());
  const platform = { foundation, network, data, audit };
  acknowledgePlatformFindings(platform);
  return platform;
}
