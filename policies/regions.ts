/**
 * AWS regions where health data may live (CONTROLS.md, RES-01 / HDS v2 EXI 28):
 * HDS-certified AWS regions inside the European Economic Area. A deployment
 * narrows this list with `allowedRegions`; it never widens it.
 *
 * Zurich (eu-central-2) and London (eu-west-2) are outside the EEA and are
 * deliberately absent.
 */
export const HDS_EEA_REGIONS = [
  'eu-west-3', // Paris (default)
  'eu-west-1', // Ireland
  'eu-central-1', // Frankfurt
  'eu-south-1', // Milan
  'eu-south-2', // Spain
  'eu-north-1', // Stockholm
] as const;

export type HdsRegion = (typeof HDS_EEA_REGIONS)[number];

export function isHdsRegion(value: string): value is HdsRegion {
  return (HDS_EEA_REGIONS as readonly string[]).includes(value);
}
