import type { HdsRule } from '../rule';

/** NET rules of the HDS pack, in control order. */
export const NET_RULES: readonly HdsRule[] = [];
