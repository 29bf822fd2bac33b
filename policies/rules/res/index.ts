import type { HdsRule } from '../rule';

/** RES rules of the HDS pack, in control order. */
export const RES_RULES: readonly HdsRule[] = [];
