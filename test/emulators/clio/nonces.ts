import { randomBytes } from 'node:crypto';
import type { Clock } from './clock';

const LIFETIME_MS = 60_000;

interface Nonce {
  userId: number;
  subjectPath: string;
  expiresAt: number;
  used: boolean;
}

/** Custom-action nonces: single use, 60 s, bound to the clicking user and the clicked record. */
export class NonceStore {
  private readonly nonces = new Map<string, Nonce>();

  constructor(private readonly clock: Clock) {}

  issue(userId: number, subjectPath: string): string {
    const nonce = randomBytes(16).toString('hex');
    this.nonces.set(nonce, { userId, subjectPath, expiresAt: this.clock.now().getTime() + LIFETIME_MS, used: false });
    return nonce;
  }

  /** Any check uses the nonce up, even a failed one, so that a guessed user cannot retry it. */
  consume(nonce: string, userId: number, subjectPath: string): boolean {
    const entry = this.nonces.get(nonce);
    if (!entry || entry.used) return false;
    entry.used = true;
    return entry.userId === userId && entry.subjectPath === subjectPath && this.clock.now().getTime() < entry.expiresAt;
  }
}
