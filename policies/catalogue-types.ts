/** Shapes of the control catalogue (`policies/catalogue.ts`), the one source of CONTROLS.md as code. */

export type ControlArea = 'RES' | 'ENC' | 'NET' | 'BAK' | 'LOG' | 'DET' | 'IAM' | 'DATA' | 'EVD';

/** A sentence in both languages of the evidence report. Never mixed. */
export interface Bilingual {
  readonly fr: string;
  readonly en: string;
}

export type Severity = 'critical' | 'high' | 'medium' | 'low';

/** How the control is verified (CONTROLS.md, column "check"). */
export type CheckKind =
  | 'rule' // a rule of the HDS pack (or a reused cdk-nag rule) judges the synthesized templates
  | 'config' // refused by config validation before anything is synthesized
  | 'lambda-tests' // behaviour of a function, proved by its unit tests
  | 'policy-simulation' // IAM / SCP behaviour, proved by policy simulation tests
  | 'report' // stated by the evidence report itself
  | 'docs'; // runbooks and procedures in docs/

export interface References {
  /** HDS v2 référentiel exigences, e.g. ['EXI 28']. */
  readonly hds: readonly string[];
  /** ISO/IEC 27001:2022 Annex A controls, e.g. ['A.8.24']. */
  readonly iso27001: readonly string[];
  /** RGPD (GDPR) articles, e.g. ['art. 32']. */
  readonly rgpd: readonly string[];
  /** Other French references (CNIL référentiels, ANS PGSSI-S). */
  readonly other: readonly string[];
}

export interface Control {
  readonly id: string;
  readonly area: ControlArea;
  readonly title: Bilingual;
  /** How the blueprint meets it. */
  readonly implementation: Bilingual;
  readonly references: References;
  readonly severity: Severity;
  /** How it is checked; at least one entry. */
  readonly checkedBy: readonly CheckKind[];
  /**
   * Every platform needs it, and an account may provide it outside the templates under review (an
   * organization trail, GuardDuty or Security Hub under a delegated administrator, an organization backup
   * policy). The evidence report then says "not evaluated, look there", never "not applicable".
   */
  readonly everyPlatform?: boolean;
}
