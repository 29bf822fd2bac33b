import type { HdsRule } from '../rule';
import { IAM01_MFA_AND_SHORT_SESSIONS } from './mfa-and-short-sessions';
import { IAM02_NO_ADMIN_POLICIES } from './no-admin-policies';
import { IAM03_USER_POOL_HARDENED } from './user-pool-hardened';

/** IAM rules of the HDS pack, in control order. */
export const IAM_RULES: readonly HdsRule[] = [IAM01_MFA_AND_SHORT_SESSIONS, IAM02_NO_ADMIN_POLICIES, IAM03_USER_POOL_HARDENED];
