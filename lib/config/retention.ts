/**
 * Retention presets (DATA-01): how long each kind of health data is kept under French rules, and how the
 * platform applies that to the documents bucket (lifecycle rules, Object Lock) and to backups (plan and vault
 * lock). The config names a preset; `retentionProblems` refuses a combination that contradicts it.
 */

import { yearsInDays } from '../../policies/rules/data/lock-within-expiry';

export interface RetentionPreset {
  /** The rule and where it comes from, quoted in the config's error messages. */
  readonly legalBasis: string;
  /**
   * `creation`: the retention runs from when the object was written, so S3 can expire it.
   * `last-visit`: it runs from the patient's last visit (or birth, for minors), which only the application
   * knows: the application deletes the record when its time is up, S3 never expires a current object.
   */
  readonly counted: 'creation' | 'last-visit';
  /** The legal minimum, in days; a configured retention below it is refused. */
  readonly minimumDays: number;
}

export const RETENTION_PRESETS = {
  'patient-record': {
    legalBasis: 'Code de la santé publique, art. R1112-7; CNIL référentiel santé',
    counted: 'last-visit',
    minimumDays: yearsInDays(20),
  },
  'minor-patient-record': {
    legalBasis: 'Code de la santé publique, art. R1112-7 (minors: until age 28)',
    counted: 'last-visit',
    minimumDays: yearsInDays(20),
  },
  'care-sheet-copies': {
    legalBasis: 'Convention nationale des professionnels de santé avec l’Assurance maladie (SESAM-Vitale): 90 days',
    counted: 'creation',
    minimumDays: 90,
  },
} as const satisfies Record<string, RetentionPreset>;

export type RetentionPresetName = keyof typeof RETENTION_PRESETS;
export const RETENTION_PRESET_NAMES = Object.keys(RETENTION_PRESETS) as RetentionPresetName[];

/*
 * Traces (LOG-03/04): at least one year. `traceRetentionDays` in the config admits only CloudWatch Logs
 * periods of 365 days or more, and drives the log archive's Object Lock and lifecycle and every log group.
 */

/** What the config says about the documents bucket. */
export interface DocumentsRetention {
  readonly preset: RetentionPresetName;
  /**
   * For a preset counted from creation: days after which S3 expires a document (at least the legal minimum).
   * Ignored (and refused) for presets counted from the last visit.
   */
  readonly expireAfterDays?: number;
  /** Object Lock default retention, in days (governance mode); none when absent. */
  readonly lockDays?: number;
  /** Days an overwritten or deleted version stays recoverable. */
  readonly previousVersionsDays: number;
}

/** The settings of the platform the presets constrain. */
export interface RetentionSettings {
  readonly documents: DocumentsRetention;
  readonly backup: {
    readonly retention: { readonly dailyDays: number };
    readonly vaultLock: { readonly minRetentionDays: number };
  };
}

export interface RetentionProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** How long S3 keeps a current document: the preset's own period, or none (the application deletes). */
export function documentsExpiryDays(documents: DocumentsRetention): number | undefined {
  const preset: RetentionPreset = RETENTION_PRESETS[documents.preset];
  if (preset.counted !== 'creation') return undefined;
  return documents.expireAfterDays ?? preset.minimumDays;
}

/**
 * Every contradiction between the documents' preset and the rest of the config, each naming the field,
 * the value received, what is allowed and how to fix it.
 */
export function retentionProblems(settings: RetentionSettings): RetentionProblem[] {
  const problems: RetentionProblem[] = [];
  const { documents, backup } = settings;
  const preset: RetentionPreset = RETENTION_PRESETS[documents.preset];
  const name = documents.preset;

  if (documents.expireAfterDays !== undefined) {
    if (preset.counted !== 'creation') {
      problems.push({
        path: ['documents', 'retention', 'expireAfterDays'],
        message: `no expiry for "${name}": its retention runs from the patient's last visit, which S3 cannot know, so the application deletes records when their time is up. Remove expireAfterDays (received ${documents.expireAfterDays})`,
      });
    } else if (documents.expireAfterDays < preset.minimumDays) {
      problems.push({
        path: ['documents', 'retention', 'expireAfterDays'],
        message: `at least ${preset.minimumDays} days for "${name}" (${preset.legalBasis}); received ${documents.expireAfterDays}. Raise it or remove it to use ${preset.minimumDays}`,
      });
    }
    // The other checks measure against the expiry: with a refused one, they would only repeat the problem.
    if (problems.length > 0) return problems;
  }

  const expiry = documentsExpiryDays(documents);
  // A lock longer than the retention would keep a document after the date it must be destroyed.
  const longestLock = expiry ?? preset.minimumDays;
  if (documents.lockDays !== undefined && documents.lockDays > longestLock) {
    problems.push({
      path: ['documents', 'retention', 'lockDays'],
      message:
        expiry !== undefined
          ? `at most ${expiry} days: the lock may not outlast the expiry of "${name}" documents (received ${documents.lockDays}); lower lockDays or raise expireAfterDays`
          : `at most ${longestLock} days for "${name}": a record may have to be destroyed 20 years after the patient's last visit, which can be the day it was written (received ${documents.lockDays}); lower lockDays`,
    });
  }

  // A locked version cannot be deleted before its lock ends: a shorter expiry of previous versions says
  // something S3 will not do (HDS-DATA01-LockWithinExpiry judges the same in templates).
  if (documents.lockDays !== undefined && documents.previousVersionsDays < documents.lockDays) {
    problems.push({
      path: ['documents', 'retention', 'previousVersionsDays'],
      message: `at least lockDays (${documents.lockDays}): previous versions are locked as long as current ones, so they cannot expire after ${documents.previousVersionsDays} days. Raise previousVersionsDays to ${documents.lockDays} or lower lockDays`,
    });
  }

  // Backups are copies: for data S3 expires, the vault lock may not force a copy to outlive it, nor may the
  // daily recovery points. Monthly recovery points are not checked: the plan is shared with the database,
  // and AWS Backup keeps cold-storage points at least 90 days (see README, "Retention").
  if (expiry !== undefined) {
    const checks: [string[], number, string][] = [
      [['backup', 'retention', 'dailyDays'], backup.retention.dailyDays, 'daily recovery points'],
      [['backup', 'vaultLock', 'minRetentionDays'], backup.vaultLock.minRetentionDays, 'the vault lock minimum retention'],
    ];
    for (const [path, days, what] of checks) {
      if (days > expiry) {
        problems.push({
          path,
          message: `at most ${expiry} days: documents hold "${name}", expired after ${expiry} days, and ${what} (received ${days}) would keep copies after that date (DATA-01). Lower it to ${expiry} or less`,
        });
      }
    }
  }
  return problems;
}
