import type { HdsRule } from '../rule';
import { NET01_DATA_NOT_PUBLIC } from './data-not-public';
import { NET04_DATA_TIER_NO_OPEN_EGRESS } from './data-tier-no-open-egress';
import { NET01_DEFAULT_SECURITY_GROUP_CLOSED } from './default-security-group-closed';
import { NET02_ENDPOINT_POLICY_SCOPED } from './endpoint-policy-scoped';
import { NET03_FLOW_LOGS_ALL } from './flow-logs-all';
import { NET05_INTERNET_ENTRY_FILTERED } from './internet-entry-filtered';
import { NET04_NO_OPEN_INGRESS } from './no-open-ingress';
import { NET02_PRIVATE_API_ACCESS } from './private-api-access';
import { NET04_TRANSFER_ENDPOINT_IN_VPC } from './transfer-endpoint-in-vpc';

/** NET rules of the HDS pack, in control order. */
export const NET_RULES: readonly HdsRule[] = [
  NET01_DATA_NOT_PUBLIC,
  NET01_DEFAULT_SECURITY_GROUP_CLOSED,
  NET02_ENDPOINT_POLICY_SCOPED,
  NET02_PRIVATE_API_ACCESS,
  NET03_FLOW_LOGS_ALL,
  NET04_NO_OPEN_INGRESS,
  NET04_DATA_TIER_NO_OPEN_EGRESS,
  NET04_TRANSFER_ENDPOINT_IN_VPC,
  NET05_INTERNET_ENTRY_FILTERED,
];
