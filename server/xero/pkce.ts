import { createHash, randomBytes } from 'node:crypto';

/** 43 characters of base64url: the shortest verifier RFC 7636 allows, with 256 bits of entropy. */
export function createCodeVerifier(): string {
  return randomBytes(32).toString('base64url');
}

export function codeChallengeS256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export function createOAuthState(): string {
  return randomBytes(32).toString('base64url');
}
