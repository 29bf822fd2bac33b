import type { HdsRule } from '../rule';

/** IAM rules of the HDS pack, in control order. */
export const IAM_RULES: readonly HdsRule[] = [];
