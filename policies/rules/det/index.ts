import type { HdsRule } from '../rule';
import { DET03_ALERTS_REACH_A_PERSON } from './alerts-reach-a-person';
import { DET02_SECURITY_HUB_STANDARDS } from './security-hub-standards';
import { DET01_THREAT_DETECTION } from './threat-detection';

/** DET rules of the HDS pack, in control order. */
export const DET_RULES: readonly HdsRule[] = [DET01_THREAT_DETECTION, DET02_SECURITY_HUB_STANDARDS, DET03_ALERTS_REACH_A_PERSON];
