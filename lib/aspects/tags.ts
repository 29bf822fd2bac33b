import { Tags } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { HdsConfig } from '../config';

/** Tags on every resource of the platform: which platform, which stage, plus the editor's own tags. */
export function applyPlatformTags(scope: IConstruct, config: HdsConfig): void {
  Tags.of(scope).add('hds:environment', config.environment);
  Tags.of(scope).add('hds:stage', config.stage);
  Tags.of(scope).add('hds:managed-by', 'hds-blueprint');
  for (const [key, value] of Object.entries(config.tags)) {
    Tags.of(scope).add(key, value);
  }
}
