/**
 * The control catalogue: CONTROLS.md as code, the one source that the rule pack, the tests and the evidence
 * report read. One entry per control row, in the order of CONTROLS.md.
 *
 * References follow the area headers of CONTROLS.md, narrowed to what fits each row, plus the references a row
 * names itself (RES-04, DATA-03, LOG-*, DATA-01).
 */
import type { Control } from './catalogue-types';

export const CATALOGUE = [
  // ---------------------------------------------------------------------------------------------------------
  // RES: data residency (HDS v2 EXI 28–31, RGPD art. 44–46, ISO A.5.23)
  // ---------------------------------------------------------------------------------------------------------
  {
    id: 'RES-01',
    area: 'RES',
    title: {
      fr: 'Chaque pile est ancrée dans une région précise de la liste des régions autorisées.',
      en: 'Every stack is pinned to a concrete region inside the allow-list.',
    },
    implementation: {
      fr: "La validation de la configuration refuse toute autre région, et aucune pile n'est définie sans compte ni région explicites.",
      en: 'Configuration validation refuses any other region, and stacks are never environment-agnostic.',
    },
    references: { hds: ['EXI 28'], iso27001: ['A.5.23'], rgpd: ['art. 44'], other: [] },
    severity: 'critical',
    checkedBy: ['config', 'rule'],
  },
  {
    id: 'RES-02',
    area: 'RES',
    title: {
      fr: "Aucune donnée de santé n'est copiée ni répliquée hors des régions autorisées.",
      en: 'Nothing copies or replicates health data outside the allow-list.',
    },
    implementation: {
      fr: "Aucune réplication par défaut ; lorsque la réplication S3, les copies AWS Backup, les réplicas DynamoDB, les clés KMS multirégions, les réplicas RDS globaux ou interrégionaux ou la réplication ECR sont activés, la région de destination doit être autorisée. CloudFront est refusé devant des données de santé, car ses caches en périphérie se trouvent hors de l'EEE.",
      en: 'No replication by default; where S3 replication, Backup copy actions, DynamoDB replicas, multi-Region KMS keys, RDS global or cross-region replicas or ECR replication are enabled, the destination region must be allowed. CloudFront in front of health data is refused, because its edge caches lie outside the EEA.',
    },
    references: {
      hds: ['EXI 28', 'EXI 31'],
      iso27001: ['A.5.23'],
      rgpd: ['art. 44', 'art. 45', 'art. 46'],
      other: [],
    },
    severity: 'critical',
    checkedBy: ['rule'],
  },
  {
    id: 'RES-03',
    area: 'RES',
    title: {
      fr: "Un garde-fou à l'exécution refuse les appels d'API vers les autres régions.",
      en: 'A runtime guardrail denies API calls in other regions.',
    },
    implementation: {
      fr: "Une politique IAM de refus par région (aws:RequestedRegion, avec une liste NotAction pour les services globaux) sert de limite des autorisations à chaque rôle créé par le socle ; la même politique est fournie sous forme de SCP pour les éditeurs qui utilisent AWS Organizations.",
      en: 'An IAM region-deny policy (aws:RequestedRegion, with a NotAction list for global services) is the permissions boundary of every role the blueprint creates; the same policy is provided as an SCP for editors who run AWS Organizations.',
    },
    references: { hds: ['EXI 28'], iso27001: ['A.5.23'], rgpd: ['art. 44'], other: [] },
    severity: 'high',
    checkedBy: ['rule', 'policy-simulation'],
  },
  {
    id: 'RES-04',
    area: 'RES',
    title: {
      fr: 'La localisation des données et les transferts sont documentés pour le client.',
      en: 'Data location and transfers are documented for the client.',
    },
    implementation: {
      fr: "Le rapport de preuves indique où réside chaque stockage de données et recense chaque transfert (aucun par défaut) dans la cartographie des transferts de l'EXI 31 : acteur, rôle (hébergeur ou sous-traitant), certification HDS, qualification SecNumCloud, activités d'hébergement (1 à 6), accès depuis l'extérieur de l'EEE et garanties associées (EXI 29), exposition au droit d'un pays tiers et risque résiduel (EXI 30). AWS est l'hébergeur certifié HDS de l'éditeur pour les activités 1 à 6 dans ces régions, et l'éditeur complète le reste dans la configuration.",
      en: "The evidence report states where each data store lives and lists every transfer (none by default) in the EXI 31 transfer map: actor, role (host or processor), HDS certification, SecNumCloud qualification, hosting activities (1–6), access from outside the EEA and its safeguards (EXI 29), exposure to third-country law and residual risk (EXI 30). AWS is the editor's HDS-certified host for activities 1–6 in these regions, and the editor fills in the rest in configuration.",
    },
    references: {
      hds: ['EXI 28', 'EXI 29', 'EXI 30', 'EXI 31'],
      iso27001: ['A.5.23'],
      rgpd: ['art. 44', 'art. 45', 'art. 46'],
      other: [],
    },
    severity: 'medium',
    checkedBy: ['report'],
  },

  // ---------------------------------------------------------------------------------------------------------
  // ENC: encryption (ISO A.8.24, HDS EXI 05 "flux compromis", RGPD art. 32)
  // ---------------------------------------------------------------------------------------------------------
  {
    id: 'ENC-01',
    area: 'ENC',
    title: {
      fr: 'Clés KMS gérées par le client, par usage (données de santé, journaux, sauvegardes).',
      en: 'Customer-managed KMS keys per purpose (health data, logs, backups).',
    },
    implementation: {
      fr: "Une construction dédiée crée une clé par usage, avec rotation activée, délai de suppression de 30 jours et conservation à la suppression de la pile ; les politiques de clé n'accordent rien au principal * sans condition et séparent les administrateurs des utilisateurs.",
      en: 'A keys construct creates one key per purpose with rotation on, a 30-day deletion window and retention on stack deletion; key policies grant nothing to an unconditioned * principal and keep administrators separate from users.',
    },
    references: { hds: [], iso27001: ['A.8.24'], rgpd: ['art. 32'], other: [] },
    severity: 'critical',
    checkedBy: ['rule'],
  },
  {
    id: 'ENC-02',
    area: 'ENC',
    title: {
      fr: 'Chaque stockage de données est chiffré au repos avec une clé KMS gérée par le client fournie par le socle.',
      en: 'Every data store is encrypted at rest with a customer-managed KMS key provided by the blueprint.',
    },
    implementation: {
      fr: "Les constructions utilisent par défaut la bonne clé pour S3 (SSE-KMS avec clé de compartiment), le stockage et Performance Insights d'Aurora/RDS, EBS, DynamoDB, SQS, SNS, CloudWatch Logs, Secrets Manager, les coffres-forts AWS Backup et EFS. Seule exception documentée : le compartiment des journaux d'accès serveur S3 utilise SSE-S3, car S3 ne peut pas livrer ces journaux dans un compartiment chiffré en SSE-KMS.",
      en: 'Constructs default to the right key for S3 (SSE-KMS with a bucket key), Aurora/RDS storage and Performance Insights, EBS, DynamoDB, SQS, SNS, CloudWatch Logs, Secrets Manager, Backup vaults and EFS. One documented exception: the S3 server-access-log bucket uses SSE-S3, because S3 cannot deliver access logs to SSE-KMS buckets.',
    },
    references: { hds: [], iso27001: ['A.8.24'], rgpd: ['art. 32'], other: [] },
    severity: 'critical',
    checkedBy: ['rule'],
  },
  {
    id: 'ENC-03',
    area: 'ENC',
    title: {
      fr: 'Les données en transit sont protégées partout par TLS 1.2 ou une version ultérieure.',
      en: 'Data in transit is protected by TLS 1.2 or later everywhere.',
    },
    implementation: {
      fr: "Les politiques de compartiment S3 refusent aws:SecureTransport=false et s3:TlsVersion inférieur à 1.2, le paramètre rds.force_ssl vaut 1, les équilibreurs de charge n'acceptent que HTTPS avec une politique TLS 1.2/1.3 et redirigent HTTP vers HTTPS, et SFTP utilise une politique de sécurité à jour.",
      en: 'S3 bucket policies deny aws:SecureTransport=false and s3:TlsVersion below 1.2, rds.force_ssl is set to 1, load balancers are HTTPS-only with a TLS 1.2/1.3 policy and redirect HTTP to HTTPS, and SFTP uses a current security policy.',
    },
    references: { hds: ['EXI 05'], iso27001: ['A.8.24'], rgpd: ['art. 32'], other: [] },
    severity: 'high',
    checkedBy: ['rule'],
  },

  // ---------------------------------------------------------------------------------------------------------
  // NET: network isolation (ISO A.8.20–A.8.22)
  // ---------------------------------------------------------------------------------------------------------
  {
    id: 'NET-01',
    area: 'NET',
    title: {
      fr: 'La couche de données est inaccessible depuis Internet.',
      en: 'The data tier is unreachable from the internet.',
    },
    implementation: {
      fr: "Les sous-réseaux de données du VPC sont isolés (aucune route vers une passerelle Internet ou NAT), l'attribution automatique d'adresses IP publiques est désactivée et le groupe de sécurité par défaut ne contient aucune règle.",
      en: "The VPC's data subnets are isolated (no route to an internet or NAT gateway), public IP auto-assignment is off and the default security group has no rules.",
    },
    references: { hds: [], iso27001: ['A.8.20', 'A.8.22'], rgpd: [], other: [] },
    severity: 'critical',
    checkedBy: ['rule'],
  },
  {
    id: 'NET-02',
    area: 'NET',
    title: {
      fr: "L'accès aux API AWS est privé.",
      en: 'AWS APIs are reached privately.',
    },
    implementation: {
      fr: "Des points de terminaison de passerelle (S3, DynamoDB) et d'interface pour les services appelés par la plateforme (KMS, CloudWatch Logs, Secrets Manager, STS, AWS Backup, et ECR lorsque des conteneurs s'exécutent), chacun doté d'une politique de point de terminaison limitée au compte.",
      en: 'Gateway endpoints (S3, DynamoDB) and interface endpoints for the services the platform calls (KMS, CloudWatch Logs, Secrets Manager, STS, AWS Backup, and ECR when containers run), each with an endpoint policy limited to the account.',
    },
    references: { hds: [], iso27001: ['A.8.20', 'A.8.21'], rgpd: [], other: [] },
    severity: 'high',
    checkedBy: ['rule'],
  },
  {
    id: 'NET-03',
    area: 'NET',
    title: {
      fr: 'Les flux réseau sont tracés.',
      en: 'Network traffic is traced.',
    },
    implementation: {
      fr: 'Les journaux de flux VPC enregistrent tout le trafic dans un groupe de journaux chiffré par KMS.',
      en: 'VPC flow logs record all traffic to a KMS-encrypted log group.',
    },
    references: { hds: [], iso27001: ['A.8.20'], rgpd: [], other: [] },
    severity: 'high',
    checkedBy: ['rule'],
  },
  {
    id: 'NET-04',
    area: 'NET',
    title: {
      fr: 'Les groupes de sécurité appliquent le principe du moindre privilège.',
      en: 'Security groups follow least privilege.',
    },
    implementation: {
      fr: "Aucun trafic entrant depuis 0.0.0.0/0 ou ::/0, sauf sur le port 443 d'un équilibreur de charge exposé à Internet (et le port 80 s'il ne fait que rediriger vers HTTPS), aucun trafic sortant ouvert depuis la couche de données ; un serveur SFTP a son point de terminaison dans le VPC, avec ses propres groupes de sécurité.",
      en: 'No ingress from 0.0.0.0/0 or ::/0 except on port 443 of an internet-facing load balancer (and port 80 when it only redirects to HTTPS), no open egress from the data tier; an SFTP server has its endpoint in the VPC, with security groups of its own.',
    },
    references: { hds: [], iso27001: ['A.8.20', 'A.8.22'], rgpd: [], other: [] },
    severity: 'high',
    checkedBy: ['rule'],
  },
  {
    id: 'NET-05',
    area: 'NET',
    title: {
      fr: "Chaque point d'entrée depuis Internet est filtré.",
      en: 'Every internet entry point is filtered.',
    },
    implementation: {
      fr: "Une ACL web AWS WAF journalisée, dotée des groupes de règles gérés par AWS et d'une limitation de débit, protège chaque équilibreur de charge ou API exposé à Internet.",
      en: 'A logged AWS WAF web ACL with AWS managed rule groups and a rate limit protects every internet-facing load balancer or API.',
    },
    references: { hds: [], iso27001: ['A.8.20', 'A.8.21'], rgpd: [], other: [] },
    severity: 'high',
    checkedBy: ['rule'],
  },

  // ---------------------------------------------------------------------------------------------------------
  // BAK: backup and restore (HDS EXI 05 continuity, ISO A.8.13, A.5.30)
  // ---------------------------------------------------------------------------------------------------------
  {
    id: 'BAK-01',
    area: 'BAK',
    title: {
      fr: 'Le coffre-fort de sauvegarde est immuable et chiffré.',
      en: 'The backup vault is immutable and encrypted.',
    },
    implementation: {
      fr: 'Le coffre-fort est chiffré avec la clé dédiée aux sauvegardes, verrouillé (mode conformité en production, mode gouvernance ailleurs) avec une rétention minimale au moins égale à la plus longue rétention du plan, et conservé à la suppression de la pile.',
      en: "The vault is encrypted with the backup key, locked (compliance mode in production, governance mode elsewhere) with a minimum retention at least equal to the plan's longest retention, and retained on stack deletion.",
    },
    references: { hds: ['EXI 05'], iso27001: ['A.8.13'], rgpd: [], other: [] },
    severity: 'critical',
    checkedBy: ['rule'],
    everyPlatform: true,
  },
  {
    id: 'BAK-02',
    area: 'BAK',
    title: {
      fr: 'Chaque ressource avec état est sauvegardée.',
      en: 'Every stateful resource is backed up.',
    },
    implementation: {
      fr: 'Un plan de sauvegarde continue (restauration à un instant donné sur 35 jours), complété de points de récupération quotidiens et mensuels, couvre par étiquette chaque compartiment S3 contenant des données de santé et chaque base de données ; les sauvegardes natives des bases sont activées, avec protection contre la suppression.',
      en: 'A plan with continuous backup (point-in-time, 35 days) plus daily and monthly recovery points selects, by tag, every S3 bucket holding health data and every database; database engine backups are on, with deletion protection.',
    },
    references: { hds: ['EXI 05'], iso27001: ['A.8.13', 'A.5.30'], rgpd: [], other: [] },
    severity: 'critical',
    checkedBy: ['rule'],
    everyPlatform: true,
  },
  {
    id: 'BAK-03',
    area: 'BAK',
    title: {
      fr: "Les restaurations sont testées automatiquement, preuves à l'appui.",
      en: 'Restores are tested automatically and with evidence.',
    },
    implementation: {
      fr: "Un plan de test de restauration AWS Backup s'exécute au moins chaque semaine, avec une sélection par type de ressource protégée ; une fonction Lambda de validation vérifie chaque ressource restaurée et en rapporte le résultat (PutRestoreValidationResult), et une alarme se déclenche lorsqu'un test échoue ou qu'aucun n'a réussi depuis plus longtemps que la périodicité prévue.",
      en: 'An AWS Backup restore testing plan runs at least weekly with a selection per protected resource type; a validation Lambda checks each restored resource and reports the result (PutRestoreValidationResult), and an alarm fires when a restore test fails or none has succeeded for longer than the schedule.',
    },
    references: { hds: ['EXI 05'], iso27001: ['A.8.13', 'A.5.30'], rgpd: [], other: [] },
    severity: 'high',
    checkedBy: ['rule', 'lambda-tests'],
  },
  {
    id: 'BAK-04',
    area: 'BAK',
    title: {
      fr: 'La conformité des sauvegardes est étayée par des preuves.',
      en: 'Backup compliance is backed by evidence.',
    },
    implementation: {
      fr: 'Un cadre Backup Audit Manager (verrouillage du coffre-fort, rétention minimale, fréquence, chiffrement, ressources protégées) et un plan de rapport qui écrit dans le compartiment de preuves.',
      en: 'A Backup Audit Manager framework (vault lock, minimum retention, frequency, encryption, resources protected) with a report plan writing to the evidence bucket.',
    },
    references: { hds: ['EXI 05'], iso27001: ['A.8.13'], rgpd: [], other: [] },
    severity: 'high',
    checkedBy: ['rule'],
  },
  {
    id: 'BAK-05',
    area: 'BAK',
    title: {
      fr: 'Les copies interrégionales restent dans les régions autorisées.',
      en: 'Cross-region copies stay inside the allow-list.',
    },
    implementation: {
      fr: "Désactivées par défaut ; lorsqu'elles sont activées, elles relèvent du contrôle RES-02.",
      en: 'Off by default; when enabled, they are covered by RES-02.',
    },
    references: { hds: ['EXI 05', 'EXI 28'], iso27001: ['A.8.13'], rgpd: ['art. 44'], other: [] },
    severity: 'high',
    checkedBy: ['rule'],
  },

  // ---------------------------------------------------------------------------------------------------------
  // LOG: traceability (HDS EXI 15–16 and activity 5, ISO A.8.15, PGSSI-S imputabilité)
  // ---------------------------------------------------------------------------------------------------------
  {
    id: 'LOG-01',
    area: 'LOG',
    title: {
      fr: 'Les événements de gestion de toutes les régions sont enregistrés et toute altération est détectable.',
      en: 'Management events of every region are recorded and tamper-evident.',
    },
    implementation: {
      fr: "Un journal de suivi CloudTrail multirégion, avec validation de l'intégrité des fichiers journaux, chiffré avec la clé des journaux, transmis à CloudWatch Logs et déposé dans un compartiment renforcé.",
      en: 'A multi-region CloudTrail trail with log file validation, encrypted with the logs key, delivered to CloudWatch Logs and into a hardened bucket.',
    },
    references: { hds: ['EXI 15', 'EXI 16'], iso27001: ['A.8.15'], rgpd: [], other: ['PGSSI-S (imputabilité)'] },
    severity: 'high',
    checkedBy: ['rule'],
    everyPlatform: true,
  },
  {
    id: 'LOG-02',
    area: 'LOG',
    title: {
      fr: 'Chaque accès aux données de santé est tracé : qui a lu ou écrit quel objet, et quand.',
      en: 'Every access to health data is traced: who read or wrote which object, and when.',
    },
    implementation: {
      fr: 'Les événements de données CloudTrail (lecture et écriture) sont activés sur chaque compartiment et chaque table contenant des données de santé.',
      en: 'CloudTrail data events (read and write) are on for every health-data bucket and table.',
    },
    references: { hds: ['EXI 15', 'EXI 16'], iso27001: ['A.8.15'], rgpd: [], other: ['PGSSI-S (imputabilité)'] },
    severity: 'high',
    checkedBy: ['rule'],
    everyPlatform: true,
  },
  {
    id: 'LOG-03',
    area: 'LOG',
    title: {
      fr: 'Les traces ne peuvent être ni modifiées ni supprimées pendant leur durée de conservation.',
      en: 'Traces cannot be altered or deleted during their retention period.',
    },
    implementation: {
      fr: "Le compartiment d'archivage des journaux utilise S3 Object Lock (mode conformité en production) et le versionnage, avec une rétention égale à la durée de conservation des traces.",
      en: 'The log archive bucket uses S3 Object Lock (compliance mode in production) and versioning, with a retention equal to the trace retention.',
    },
    references: { hds: ['EXI 15', 'EXI 16'], iso27001: ['A.8.15'], rgpd: [], other: ['PGSSI-S (imputabilité)'] },
    severity: 'critical',
    checkedBy: ['rule'],
  },
  {
    id: 'LOG-04',
    area: 'LOG',
    title: {
      fr: 'Chaque groupe de journaux est chiffré et conservé.',
      en: 'Every log group is encrypted and retained.',
    },
    implementation: {
      fr: 'Chiffrement avec la clé des journaux et conservation pendant au moins 365 jours (paramétrable, jamais en deçà).',
      en: 'Encryption with the logs key and a retention of at least 365 days (configurable, never below).',
    },
    references: { hds: ['EXI 15', 'EXI 16'], iso27001: ['A.8.15'], rgpd: [], other: ['PGSSI-S (imputabilité)'] },
    severity: 'high',
    checkedBy: ['rule'],
  },
  {
    id: 'LOG-05',
    area: 'LOG',
    title: {
      fr: 'Les journaux des services sont activés.',
      en: 'Service logs are on.',
    },
    implementation: {
      fr: "Journaux d'accès serveur S3 pour chaque compartiment, exports des journaux Aurora/RDS (PostgreSQL avec pgaudit), journaux d'accès des équilibreurs de charge, journaux WAF et journaux structurés des serveurs SFTP.",
      en: 'S3 server access logs for every bucket, Aurora/RDS log exports (PostgreSQL with pgaudit), load balancer access logs, WAF logs and structured logs of SFTP servers.',
    },
    references: { hds: ['EXI 15', 'EXI 16'], iso27001: ['A.8.15'], rgpd: [], other: ['PGSSI-S (imputabilité)'] },
    severity: 'high',
    checkedBy: ['rule'],
  },
  {
    id: 'LOG-06',
    area: 'LOG',
    title: {
      fr: "Chaque accès privilégié est assorti d'un motif.",
      en: 'Privileged access carries a reason.',
    },
    implementation: {
      fr: "Les rôles opérateur et bris de glace ne peuvent être endossés qu'avec MFA et une étiquette de session access-reason, si bien que chaque entrée CloudTrail indique qui, quand et pourquoi ; les sessions durent au plus une heure.",
      en: 'Operator and break-glass roles can be assumed only with MFA and an access-reason session tag, so each CloudTrail entry says who, when and why; sessions last at most one hour.',
    },
    references: { hds: ['EXI 15', 'EXI 16'], iso27001: ['A.8.15'], rgpd: [], other: ['PGSSI-S (imputabilité)'] },
    severity: 'high',
    checkedBy: ['rule', 'policy-simulation'],
  },

  // ---------------------------------------------------------------------------------------------------------
  // DET: detection and response (ISO A.5.24–A.5.28, A.8.7, A.8.16)
  // ---------------------------------------------------------------------------------------------------------
  {
    id: 'DET-01',
    area: 'DET',
    title: {
      fr: 'La détection des menaces est activée.',
      en: 'Threat detection is on.',
    },
    implementation: {
      fr: 'GuardDuty avec la protection S3, la protection des connexions RDS et la protection contre les logiciels malveillants.',
      en: 'GuardDuty with S3 protection, RDS login protection and malware protection.',
    },
    references: { hds: [], iso27001: ['A.8.7', 'A.8.16'], rgpd: [], other: [] },
    severity: 'high',
    checkedBy: ['rule'],
    everyPlatform: true,
  },
  {
    id: 'DET-02',
    area: 'DET',
    title: {
      fr: 'La posture de sécurité est vérifiée en continu.',
      en: 'Security posture is checked continuously.',
    },
    implementation: {
      fr: 'Security Hub avec les normes AWS Foundational Security Best Practices et CIS, et enregistrement AWS Config (ou un enregistreur existant déclaré) avec un ensemble de règles.',
      en: 'Security Hub with the AWS Foundational Security Best Practices and CIS standards, and AWS Config recording (or a declared existing recorder) with a rule set.',
    },
    references: { hds: [], iso27001: ['A.8.16'], rgpd: [], other: [] },
    severity: 'high',
    checkedBy: ['rule'],
    everyPlatform: true,
  },
  {
    id: 'DET-03',
    area: 'DET',
    title: {
      fr: 'Les événements de sécurité parviennent à une personne.',
      en: 'Security events reach a person.',
    },
    implementation: {
      fr: "Des règles EventBridge transmettent à une rubrique SNS chiffrée par KMS les résultats GuardDuty et Security Hub, les échecs de sauvegarde et de test de restauration, la désactivation ou la suppression programmée d'une clé KMS, l'activité du compte racine, l'arrêt ou la suppression du journal de suivi et les modifications de politiques IAM ; chaque alarme renvoie à la procédure de gestion des incidents.",
      en: 'EventBridge rules send GuardDuty and Security Hub findings, backup and restore-test failures, KMS key disabling or scheduled deletion, root activity, trail stop or deletion and IAM policy changes to a KMS-encrypted SNS topic; each alarm links the incident runbook.',
    },
    references: { hds: [], iso27001: ['A.5.25', 'A.5.26', 'A.8.16'], rgpd: [], other: [] },
    severity: 'high',
    checkedBy: ['rule'],
    everyPlatform: true,
  },
  {
    id: 'DET-04',
    area: 'DET',
    title: {
      fr: 'Les équipes savent comment réagir.',
      en: 'People know what to do.',
    },
    implementation: {
      fr: "Des procédures d'incident, de restauration et de compromission de clé, dans docs/runbooks/, référencées par le rapport de preuves.",
      en: 'Incident, restore and key-compromise runbooks in docs/runbooks/, linked from the evidence report.',
    },
    references: { hds: [], iso27001: ['A.5.24', 'A.5.26'], rgpd: [], other: [] },
    severity: 'medium',
    checkedBy: ['docs', 'report'],
  },

  // ---------------------------------------------------------------------------------------------------------
  // IAM: access control (ISO A.5.15, A.5.18, A.8.2, A.8.5)
  // ---------------------------------------------------------------------------------------------------------
  {
    id: 'IAM-01',
    area: 'IAM',
    title: {
      fr: 'Rôles par fonction, MFA et sessions courtes.',
      en: 'Duty roles, MFA and short sessions.',
    },
    implementation: {
      fr: "Rôles opérateur (exploite, sans accès aux données de santé), auditeur (lit la configuration, les traces et les preuves, sans accès aux données de santé) et bris de glace (toute utilisation déclenche une alarme) ; MFA obligatoire et sessions d'une heure au plus.",
      en: 'Operator (operates, reads no health data), auditor (reads configuration, traces and evidence, no health data) and break-glass (alarmed on use) roles; MFA required and sessions of at most one hour.',
    },
    references: { hds: [], iso27001: ['A.5.15', 'A.5.18', 'A.8.2', 'A.8.5'], rgpd: [], other: [] },
    severity: 'high',
    checkedBy: ['rule'],
  },
  {
    id: 'IAM-02',
    area: 'IAM',
    title: {
      fr: "Le moindre privilège s'applique partout.",
      en: 'Least privilege everywhere.',
    },
    implementation: {
      fr: "Aucune autorisation *:*, aucune action avec caractère générique sur les ressources de données de santé, aucune politique d'administration en ligne ; chaque rôle est borné par le garde-fou RES-03.",
      en: 'No *:*, no wildcard actions on health-data resources and no inline administrator policy; every role is bounded by the RES-03 guardrail.',
    },
    references: { hds: [], iso27001: ['A.5.15', 'A.5.18', 'A.8.2'], rgpd: [], other: [] },
    severity: 'critical',
    checkedBy: ['rule'],
  },
  {
    id: 'IAM-03',
    area: 'IAM',
    title: {
      fr: "L'authentification des utilisateurs finaux est renforcée lorsque le groupe d'utilisateurs de la plateforme est activé.",
      en: "End-user authentication is hardened when the platform's user pool is enabled.",
    },
    implementation: {
      fr: "Cognito avec MFA obligatoire, mots de passe d'au moins 12 caractères, protection contre les menaces appliquée et jetons à durée de vie courte.",
      en: 'Cognito with MFA required, passwords of at least 12 characters, threat protection enforced and short token lifetimes.',
    },
    references: { hds: [], iso27001: ['A.8.5'], rgpd: [], other: [] },
    severity: 'high',
    checkedBy: ['rule'],
  },

  // ---------------------------------------------------------------------------------------------------------
  // DATA: lifecycle and privacy (RGPD art. 5(1)(e), 25, 32; CNIL; HDS EXI 27)
  // ---------------------------------------------------------------------------------------------------------
  {
    id: 'DATA-01',
    area: 'DATA',
    title: {
      fr: 'Les durées de conservation suivent les règles françaises.',
      en: 'Retention follows French rules.',
    },
    implementation: {
      fr: "Des profils de conservation typés (dossier patient : 20 ans après la dernière venue, et jusqu'aux 28 ans du patient s'il était mineur ; copies des feuilles de soins électroniques (FSE) : 90 jours ; traces : au moins un an) s'appliquent aux règles de cycle de vie, à Object Lock et au verrouillage du coffre-fort.",
      en: 'Typed presets (patient record: 20 years after the last visit, until age 28 for minors; care-sheet copies (FSE): 90 days; traces: at least one year) are applied to lifecycle rules, Object Lock and vault lock.',
    },
    references: {
      hds: [],
      iso27001: [],
      rgpd: ['art. 5(1)(e)'],
      other: ['CNIL, référentiel relatif aux durées de conservation (santé)'],
    },
    severity: 'high',
    checkedBy: ['config', 'rule'],
  },
  {
    id: 'DATA-02',
    area: 'DATA',
    title: {
      fr: 'Pseudonymisation pour les usages secondaires.',
      en: 'Pseudonymisation for secondary use.',
    },
    implementation: {
      fr: 'Une clé HMAC KMS et une fonction qui transforment les identifiants des patients en pseudonymes stables.',
      en: 'A KMS HMAC key and a function that turn patient identifiers into stable pseudonyms.',
    },
    references: { hds: [], iso27001: [], rgpd: ['art. 25', 'art. 32'], other: [] },
    severity: 'high',
    checkedBy: ['lambda-tests'],
  },
  {
    id: 'DATA-03',
    area: 'DATA',
    title: {
      fr: "La réversibilité de l'hébergement est assurée.",
      en: 'Hosting is reversible.',
    },
    implementation: {
      fr: "Export de l'ensemble des données dans des formats ouverts, avec manifeste et sommes de contrôle, suivi d'une procédure de destruction documentée.",
      en: 'Export of all data to open formats with a manifest and checksums, then a documented destruction procedure.',
    },
    references: { hds: ['EXI 27'], iso27001: [], rgpd: ['art. 5(1)(e)'], other: [] },
    severity: 'high',
    checkedBy: ['lambda-tests', 'docs'],
  },

  // ---------------------------------------------------------------------------------------------------------
  // EVD: evidence for auditors (HDS EXI 15, 19; ISO A.5.35, A.5.36)
  // ---------------------------------------------------------------------------------------------------------
  {
    id: 'EVD-01',
    area: 'EVD',
    title: {
      fr: "Un rapport unique indique, contrôle par contrôle, s'il est satisfait et où.",
      en: 'One report says, control by control, whether it is met and where.',
    },
    implementation: {
      fr: "Généré à partir des modèles synthétisés et des résultats des vérifications : statut, ressources (pile, identifiant logique, chemin dans l'arbre des constructions) et écarts acceptés avec leur justification, en français et en anglais, aux formats JSON, Markdown et HTML.",
      en: 'Generated from the synthesized templates and check results: status, resources (stack, logical id, construct path) and acknowledgements with reasons, in French and English, as JSON, Markdown and HTML.',
    },
    references: { hds: ['EXI 15', 'EXI 19'], iso27001: ['A.5.35', 'A.5.36'], rgpd: [], other: [] },
    severity: 'medium',
    checkedBy: ['report'],
  },
  {
    id: 'EVD-02',
    area: 'EVD',
    title: {
      fr: "Un auditeur peut produire le rapport à partir de n'importe quel modèle CloudFormation.",
      en: 'An auditor can run it on any CloudFormation template.',
    },
    implementation: {
      fr: "Le rapport accepte des modèles JSON ou YAML de toute provenance, y compris ceux que ce projet n'a pas produits.",
      en: 'The report accepts JSON or YAML templates from any source, including templates this project did not produce.',
    },
    references: { hds: ['EXI 19'], iso27001: ['A.5.35'], rgpd: [], other: [] },
    severity: 'medium',
    checkedBy: ['report'],
  },
  {
    id: 'EVD-03',
    area: 'EVD',
    title: {
      fr: "Un schéma représente l'architecture et les flux de données.",
      en: 'A picture shows the architecture and data flows.',
    },
    implementation: {
      fr: 'Un schéma SVG des piles synthétisées figure dans le rapport.',
      en: 'An SVG diagram of the synthesized stacks is included in the report.',
    },
    references: { hds: ['EXI 19'], iso27001: ['A.5.36'], rgpd: [], other: [] },
    severity: 'medium',
    checkedBy: ['report'],
  },
  {
    id: 'EVD-04',
    area: 'EVD',
    title: {
      fr: 'Chaque écart accepté est visible.',
      en: 'Every accepted finding is visible.',
    },
    implementation: {
      fr: 'Chaque écart accepté est recensé avec sa justification, et un test fige cette liste.',
      en: 'Every acknowledgement is listed with its reason, and a test pins the list.',
    },
    references: { hds: ['EXI 19'], iso27001: ['A.5.36'], rgpd: [], other: [] },
    severity: 'medium',
    checkedBy: ['report'],
  },
] as const satisfies readonly Control[];

/** The id of a control of the catalogue, e.g. 'RES-01'. */
export type ControlId = (typeof CATALOGUE)[number]['id'];

/** Every control id, in catalogue order. */
export const CONTROL_IDS: readonly ControlId[] = CATALOGUE.map((c) => c.id);

const BY_ID: ReadonlyMap<string, Control> = new Map(CATALOGUE.map((c) => [c.id, c] as const));

/** The control with this id; throws, naming the id and the known ids, if there is none. */
export function control(id: ControlId): Control {
  const found = BY_ID.get(id);
  if (found === undefined) {
    throw new Error(`Unknown control id "${String(id)}". Known ids: ${CONTROL_IDS.join(', ')}.`);
  }
  return found;
}

/** Whether a string is the id of a control of the catalogue. */
export function isControlId(value: string): value is ControlId {
  return BY_ID.has(value);
}
