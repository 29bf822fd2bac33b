import type { HdsRule } from '../rule';

/** DET rules of the HDS pack, in control order. */
export const DET_RULES: readonly HdsRule[] = [];
