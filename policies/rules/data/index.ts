import type { HdsRule } from '../rule';
import { DATA01_EXCHANGE_BUCKET_EXPIRES } from './exchange-bucket-expires';
import { DATA01_LOCK_WITHIN_EXPIRY } from './lock-within-expiry';

/** DATA rules of the HDS pack, in control order. */
export const DATA_RULES: readonly HdsRule[] = [DATA01_LOCK_WITHIN_EXPIRY, DATA01_EXCHANGE_BUCKET_EXPIRES];
