import { execFile } from 'node:child_process';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createSecretBox, resolveSecretKey, SecretDecryptError } from '../../server/crypto/secrets';

const box = createSecretBox(Buffer.alloc(32, 1));

describe('secret box', () => {
  it('round-trips a value and never stores the plaintext', () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.access-token-value';
    const sealed = box.seal(token, 'connection:1');
    expect(sealed).not.toContain(token);
    expect(sealed).not.toContain('eyJ');
    expect(box.open(sealed, 'connection:1')).toBe(token);
  });

  it('uses a fresh IV each time', () => {
    expect(box.seal('same', 'c')).not.toBe(box.seal('same', 'c'));
  });

  it('detects tampering with the ciphertext', () => {
    const sealed = box.seal('refresh-token', 'c');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    parts[3] = body.toString('base64url');
    expect(() => box.open(parts.join('.'), 'c')).toThrow(SecretDecryptError);
  });

  it('refuses a ciphertext moved to another context (another firm or row)', () => {
    const sealed = box.seal('refresh-token', 'connection:firm-a');
    expect(() => box.open(sealed, 'connection:firm-b')).toThrow(SecretDecryptError);
  });

  it('refuses with another key, and the error says nothing of the value', () => {
    const sealed = box.seal('super-secret-value', 'c');
    const other = createSecretBox(Buffer.alloc(32, 2));
    try {
      other.open(sealed, 'c');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SecretDecryptError);
      expect((err as Error).message).not.toContain('super-secret-value');
    }
  });

  it('rejects malformed input', () => {
    expect(() => box.open('garbage', 'c')).toThrow(SecretDecryptError);
  });
});

describe('resolveSecretKey', () => {
  it('uses SECRET_KEY when given', async () => {
    const key = Buffer.alloc(32, 9);
    expect((await resolveSecretKey(key.toString('base64'), '/nonexistent')).equals(key)).toBe(true);
  });

  it('generates a key once into DATA_DIR with mode 0600 and reuses it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'secret-key-'));
    const first = await resolveSecretKey(undefined, dir);
    const second = await resolveSecretKey(undefined, dir);
    expect(first.length).toBe(32);
    expect(second.equals(first)).toBe(true);
    expect((await stat(join(dir, 'secret.key'))).mode & 0o777).toBe(0o600);
    expect(Buffer.from((await readFile(join(dir, 'secret.key'), 'utf8')).trim(), 'base64').equals(first)).toBe(true);
  });

  it('agrees when separate processes race to create it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'secret-key-race-'));
    const fixture = fileURLToPath(new URL('./fixtures/resolve-secret-key.ts', import.meta.url));
    // Real processes, started together and released at one moment, so their writes really overlap.
    const startAt = String(Date.now() + 4_000);
    const keys = await Promise.all(
      Array.from(
        { length: 4 },
        () =>
          new Promise<string>((resolve, reject) => {
            execFile(process.execPath, ['--import', 'tsx', fixture, dir, startAt], { timeout: 30_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
          }),
      ),
    );
    expect(keys[0]).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(new Set(keys)).toEqual(new Set([keys[0]]));
    expect((await readFile(join(dir, 'secret.key'), 'utf8')).trim()).toBe(keys[0]);
  }, 60_000);
});
