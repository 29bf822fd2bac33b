import type { HdsRule } from '../rule';

/** LOG rules of the HDS pack, in control order. */
export const LOG_RULES: readonly HdsRule[] = [];
