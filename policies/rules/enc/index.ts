import type { HdsRule } from '../rule';

/** ENC rules of the HDS pack, in control order. */
export const ENC_RULES: readonly HdsRule[] = [];
