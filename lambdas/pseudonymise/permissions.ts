/**
 * The only AWS API operation the pseudonymise function calls, and the IAM action it needs.
 *
 * Kept free of SDK imports so the CDK code can import it at synth time to write the role policy. Grant it
 * on the pseudonymisation key only, with the condition `kms:MacAlgorithm = HMAC_SHA_256`; nothing else
 * (no VerifyMac, no DescribeKey) is needed.
 */
export const API_CALLS = ['kms:GenerateMac'] as const;

export type ApiCall = (typeof API_CALLS)[number];

export const IAM_ACTIONS: readonly string[] = ['kms:GenerateMac'];

/** The MAC algorithm of the key and of every call; the key spec must be HMAC_256. */
export const MAC_ALGORITHM = 'HMAC_SHA_256';
