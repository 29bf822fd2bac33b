import type { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { asList, asNumber, get, UnresolvableValueError } from '../util';
import {
  accountOfResource,
  appResources,
  arnOfResource,
  designation,
  globMatches,
  propertiesWithReferences,
  regionOfResource,
} from './support';

/** A backup vault of the app. */
export interface Vault {
  readonly node: CfnResource;
  /** Its literal name, when it has one. */
  readonly name?: string;
}

/** The lock bounds of a vault: undefined when it has no lock (or the lock sets no such bound). */
export function lockBounds(vault: Vault): { min?: number; max?: number } {
  const lock = get(propertiesWithReferences(vault.node), 'LockConfiguration');
  const path = vault.node.node.path;
  return {
    min: asNumber(get(lock, 'MinRetentionDays'), `${path} LockConfiguration.MinRetentionDays`),
    max: asNumber(get(lock, 'MaxRetentionDays'), `${path} LockConfiguration.MaxRetentionDays`),
  };
}

/** Every backup vault of the app. */
export function appVaults(root: IConstruct): Vault[] {
  return appResources(root, 'AWS::Backup::BackupVault').map((node) => {
    const name = propertiesWithReferences(node).BackupVaultName;
    return { node, name: typeof name === 'string' ? name : undefined };
  });
}

/** The ARN of a vault of the app; throws when its name or region is not known at synth. */
export function vaultArn(vault: Vault): string {
  if (vault.name === undefined) throw new UnresolvableValueError(`name of vault ${vault.node.node.path}`, propertiesWithReferences(vault.node).BackupVaultName);
  return arnOfResource(vault.node, 'backup', `backup-vault:${vault.name}`);
}

/**
 * The vault of the app a backup rule targets (`TargetBackupVault`: a reference to the vault, or its
 * name in the region and account of `scope`). Throws for a vault outside the app: its lock cannot be read.
 */
export function targetVault(value: unknown, scope: IConstruct, vaults: readonly Vault[], what: string): Vault {
  const target = designation(value, scope, what);
  const found =
    'ref' in target
      ? vaults.filter((v) => v.node.node.path === target.ref)
      : vaults.filter(
          (v) => v.name === target.text && regionOfResource(v.node) === regionOfResource(scope) && accountOfResource(v.node) === accountOfResource(scope),
        );
  if (found.length !== 1) throw new UnresolvableValueError(`${what} (not a backup vault of the app)`, value);
  return found[0];
}

/** The vault of the app an ARN designates (a copy destination); throws for a vault outside the app. */
export function vaultByArn(value: unknown, scope: IConstruct, vaults: readonly Vault[], what: string): Vault {
  const target = designation(value, scope, what);
  const found =
    'ref' in target ? vaults.filter((v) => v.node.node.path === target.ref) : vaults.filter((v) => v.name !== undefined && vaultArn(v) === target.text);
  if (found.length !== 1) throw new UnresolvableValueError(`${what} (not a backup vault of the app)`, value);
  return found[0];
}

/**
 * Whether a list of vault ARNs or ARN patterns (a restore testing plan's IncludeVaults or ExcludeVaults)
 * names `vault`: by reference, or by a literal ARN or pattern (`*` matches any run of characters).
 */
export function listsVault(entries: unknown, scope: IConstruct, vault: Vault, what: string): boolean {
  return asList(entries, what).some((entry) => {
    const target = designation(entry, scope, what);
    if ('ref' in target) return target.ref === vault.node.node.path;
    return globMatches(target.text, vaultArn(vault), false);
  });
}
