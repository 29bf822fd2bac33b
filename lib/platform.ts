import { Aspects, CfnResource, type App, type Stack } from 'aws-cdk-lib';
import { StatefulResourcesRetained } from './aspects/stateful-retention';
import { applyResidencyBoundary } from './aspects/residency-boundary';
import { applyPlatformTags } from './aspects/tags';
import type { HdsConfig } from './config';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CONTAINER_INTERFACE_ENDPOINTS } from './constructs/container-service';
import { AccessStack } from './stacks/access-stack';
import { AppStack } from './stacks/app-stack';
import { AuditStack } from './stacks/audit-stack';
import { BackupCopyStack } from './stacks/backup-copy-stack';
import { BackupStack } from './stacks/backup-stack';
import { DataStack } from './stacks/data-stack';
import { DetectionStack } from './stacks/detection-stack';
import { ExchangeStack } from './stacks/exchange-stack';
import { FoundationStack } from './stacks/foundation-stack';
import { NetworkStack } from './stacks/network-stack';
import { PrivacyStack } from './stacks/privacy-stack';
import { acknowledgePlatformFindings } from './platform-acknowledgements';

export interface Platform {
  readonly foundation: FoundationStack;
  readonly network: NetworkStack;
  readonly data: DataStack;
  readonly audit: AuditStack;
  readonly backup: BackupStack;
  /** Present when `backup.copy` is configured. */
  readonly backupCopy?: BackupCopyStack;
  readonly detection: DetectionStack;
  readonly access: AccessStack;
  /** Present when `application.enabled`. */
  readonly app?: AppStack;
  /** Present when `exchange.enabled`. */
  readonly exchange?: ExchangeStack;
  /** Present when pseudonymisation or reversibility is enabled (`privacy`). */
  readonly privacy?: PrivacyStack;
}

/** Whether the stack creates IAM roles or users (which the residency boundary bounds). */
function hasPrincipals(stack: Stack): boolean {
  return stack.node.findAll().some((c) => CfnResource.isCfnResource(c) && ['AWS::IAM::Role', 'AWS::IAM::User'].includes(c.cfnResourceType));
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
  const exchange = config.exchange.enabled
    ? new ExchangeStack(app, name('exchange'), {
        config,
        network: network.network,
        dataKey: foundation.keys.data,
        logsKey: foundation.keys.logs,
        accessLogs: foundation.logArchive.accessLogs,
      })
    : undefined;
  const { pseudonymisation, reversibility } = config.privacy;
  const privacy =
    pseudonymisation.enabled || reversibility.enabled
      ? new PrivacyStack(app, name('privacy'), {
          config,
          network: network.network,
          dataKey: foundation.keys.data,
          logsKey: foundation.keys.logs,
          accessLogs: foundation.logArchive.accessLogs,
          store: data.store,
          alertTopic: foundation.alerts.topic,
        })
      : undefined;

  const audit = new AuditStack(app, name('audit'), {
    config,
    logsKey: foundation.keys.logs,
    archive: foundation.logArchive.archive,
    // LOG-02: every read and write of health data is traced, exchanged files included.
    healthDataBuckets: [
      data.store.documents,
      ...(exchange ? [exchange.exchange.bucket] : []),
      ...(privacy?.reversibility ? [privacy.reversibility.bucket] : []),
    ],
  });

  // The restore validator runs in the isolated subnets and reaches these APIs privately (NET-02).
  network.network.addInterfaceEndpoint('Backup', ec2.InterfaceVpcEndpointAwsService.BACKUP);
  network.network.addInterfaceEndpoint('Rds', ec2.InterfaceVpcEndpointAwsService.RDS);
  network.network.addInterfaceEndpoint('Monitoring', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING);

  const backupCopy = config.backup.copy ? new BackupCopyStack(app, name('backup-copy'), { config }) : undefined;
  const backup = new BackupStack(app, name('backup'), {
    config,
    backupKey: foundation.keys.backup,
    dataKey: foundation.keys.data,
    logsKey: foundation.keys.logs,
    accessLogs: foundation.logArchive.accessLogs,
    network: network.network,
    store: data.store,
    alertTopic: foundation.alerts.topic,
    copyVaultArn: config.backup.copy
      ? BackupCopyStack.vaultArn(foundation, config.environment, config.backup.copy.region)
      : undefined,
  });
  if (backupCopy) backup.addStackDependency(backupCopy, 'copies go to the vault of the copy stack');

  const detection = new DetectionStack(app, name('detection'), {
    config,
    logsKey: foundation.keys.logs,
    keys: [foundation.keys.data, foundation.keys.logs, foundation.keys.backup],
    accessLogs: foundation.logArchive.accessLogs,
    alertTopic: foundation.alerts.topic,
    trailLogGroup: audit.audit.logGroup,
  });
  const access = new AccessStack(app, name('access'), {
    config,
    dataKey: foundation.keys.data,
    logsKey: foundation.keys.logs,
    documents: data.store.documents,
    traceBuckets: [foundation.logArchive.archive, foundation.logArchive.accessLogs, backup.audit.evidenceBucket, detection.detection.evidenceBucket],
  });

  let app_: AppStack | undefined;
  if (config.application.enabled) {
    // Fargate tasks in the isolated subnets pull images and read parameters privately (NET-02).
    for (const [endpoint, service] of Object.entries(CONTAINER_INTERFACE_ENDPOINTS)) network.network.addInterfaceEndpoint(endpoint, service);
    app_ = new AppStack(app, name('app'), {
      config,
      vpc: network.network.vpc,
      computeSubnets: network.network.computeSubnets,
      entrySubnets: network.network.entrySubnets!,
      dataKey: foundation.keys.data,
      logsKey: foundation.keys.logs,
      accessLogs: foundation.logArchive.accessLogs,
      store: data.store,
    });
  }

  // RES-03: every role the blueprint creates is bounded by the region deny (the foundation stack has no role).
  // A stack without any (a detection stack reusing the organization's services, the copy stack) gets no
  // boundary: unattached, its Allow * would be a policy that bounds nothing. A role added to such a stack
  // later fails RES03-RoleBounded at synth.
  for (const stack of [network, data, exchange, audit, backup, backupCopy, detection, access, app_, privacy]) {
    if (stack && hasPrincipals(stack)) applyResidencyBoundary(stack, config.allowedRegions);
  }

  applyPlatformTags(app, config);
  Aspects.of(app).add(new StatefulResourcesRetained());
  const platform = { foundation, network, data, exchange, audit, backup, backupCopy, detection, access, app: app_, privacy };
  acknowledgePlatformFindings(platform);
  return platform;
}
