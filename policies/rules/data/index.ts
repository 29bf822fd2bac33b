import type { HdsRule } from '../rule';

/** DATA rules of the HDS pack, in control order. */
export const DATA_RULES: readonly HdsRule[] = [];
