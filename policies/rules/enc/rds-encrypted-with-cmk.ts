import { CfnResource } from 'aws-cdk-lib';
import { defineRule } from '../rule';
import { UnresolvableValueError } from '../util';
import { asBoolean, at, isCustomerManagedKey, type RenderedResource, resourceRule } from './support';

/** Performance Insights (when on) and the RDS-managed master password (when on) use a customer-managed key. */
function sideDataEncrypted(db: RenderedResource, piEnabled: string, piKey: string): boolean {
  const p = db.properties;
  if (asBoolean(p[piEnabled], piEnabled) === true && !isCustomerManagedKey(db, p[piKey], piKey)) return false;
  const managedPassword = asBoolean(p.ManageMasterUserPassword, 'ManageMasterUserPassword') === true;
  return !managedPassword || isCustomerManagedKey(db, at(p, ['MasterUserSecret', 'KmsKeyId'], 'MasterUserSecret'), 'MasterUserSecret.KmsKeyId');
}

/**
 * A cluster's storage: StorageEncrypted with a customer-managed KmsKeyId. A cluster restored from a snapshot
 * or a point in time, or replicating another, takes its encryption from the request's KmsKeyId (RDS encrypts
 * the restore with it), so KmsKeyId alone is enough there.
 */
function clusterEncrypted(cluster: RenderedResource): boolean {
  const p = cluster.properties;
  const derived = ['SnapshotIdentifier', 'SourceDBClusterIdentifier', 'ReplicationSourceIdentifier'].some((k) => p[k] !== undefined);
  const encrypted = derived || asBoolean(p.StorageEncrypted, 'StorageEncrypted') === true;
  return encrypted && isCustomerManagedKey(cluster, p.KmsKeyId, 'KmsKeyId') && sideDataEncrypted(cluster, 'PerformanceInsightsEnabled', 'PerformanceInsightsKmsKeyId');
}

/**
 * A DB instance. An Aurora member keeps no data of its own (its cluster does): only its Performance
 * Insights key is checked. A standalone instance: StorageEncrypted with a customer-managed KmsKeyId. A read
 * replica in the source's region cannot name a key (RDS uses the source's): it passes when its source is an
 * instance of the app, which this rule judges; a source outside the app cannot be evaluated. An instance
 * restored from a snapshot takes the snapshot's key, which synth cannot see.
 */
function instanceEncrypted(instance: RenderedResource): boolean {
  const p = instance.properties;
  const sideData = sideDataEncrypted(instance, 'EnablePerformanceInsights', 'PerformanceInsightsKMSKeyId');
  if (p.DBClusterIdentifier !== undefined) return sideData;
  if (p.SourceDBInstanceIdentifier !== undefined && p.KmsKeyId === undefined) {
    const source = instance.designate(p.SourceDBInstanceIdentifier, 'SourceDBInstanceIdentifier');
    const inApp = 'target' in source && source.target.element instanceof CfnResource && source.target.element.cfnResourceType === 'AWS::RDS::DBInstance';
    if (!inApp) throw new UnresolvableValueError('storage encryption of a read replica whose source is outside the app', p.SourceDBInstanceIdentifier);
    return sideData;
  }
  if (p.DBSnapshotIdentifier !== undefined) {
    throw new UnresolvableValueError('storage encryption of a DB instance restored from a snapshot (the snapshot key)', p.DBSnapshotIdentifier);
  }
  const encrypted = p.SourceDBInstanceIdentifier !== undefined || asBoolean(p.StorageEncrypted, 'StorageEncrypted') === true;
  return encrypted && isCustomerManagedKey(instance, p.KmsKeyId, 'KmsKeyId') && sideData;
}

/**
 * ENC-02, Aurora and RDS: storage, Performance Insights and the RDS-managed master password secret are
 * encrypted with customer-managed keys.
 */
export const ENC02_RDS_ENCRYPTED_WITH_CMK = defineRule({
  name: 'RdsEncryptedWithCmk',
  control: 'ENC-02',
  problem:
    'This database is not encrypted with a customer-managed KMS key: storage (StorageEncrypted, KmsKeyId), Performance Insights (PerformanceInsightsKmsKeyId) or the managed master password (MasterUserSecret.KmsKeyId) uses no key or an AWS-managed one.',
  fix: 'pass storageEncrypted: true and storageEncryptionKey, performanceInsightEncryptionKey (cluster and instances) and credentials with encryptionKey, all a platform key (HealthDataStore does).',
  explanation:
    'ISO 27001 A.8.24 and RGPD art. 32 (encryption of personal data): health records at rest, the query samples Performance Insights keeps and the database credentials are encrypted with keys the editor controls and audits.',
  create: () =>
    resourceRule('RdsEncryptedWithCmk', ['AWS::RDS::DBCluster', 'AWS::RDS::DBInstance'], (db) =>
      db.node.cfnResourceType === 'AWS::RDS::DBCluster' ? clusterEncrypted(db) : instanceEncrypted(db),
    ),
});
