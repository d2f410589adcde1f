import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';

export class SecretDecryptError extends Error {
  override name = 'SecretDecryptError';
  constructor() {
    // Deliberately says nothing about the value or the key.
    super('stored secret could not be decrypted (wrong key or tampered data)');
  }
}

/**
 * Seals secrets with AES-256-GCM. `context` is bound as additional authenticated data,
 * so a ciphertext copied to another row (another firm's connection, say) fails to open.
 */
export interface SecretBox {
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): string;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('secret key must be 32 bytes');
  return {
    seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv(ALGORITHM, key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, iv, tag, body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
    },
    open(sealed, context) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== VERSION || !iv || !tag || body === undefined) throw new SecretDecryptError();
      try {
        const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretDecryptError();
      }
    },
  };
}

/**
 * The key comes from SECRET_KEY when set. Without it (sandbox use) one is generated once
 * into DATA_DIR with mode 0600, so data sealed before a restart still opens after it.
 */
export async function resolveSecretKey(secretKey: string | undefined, dataDir: string): Promise<Buffer> {
  if (secretKey) return Buffer.from(secretKey, 'base64');
  const file = join(dataDir, 'secret.key');
  try {
    const stored = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
    if (stored.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
    return stored;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dataDir, { recursive: true });
  const key = randomBytes(32);
  // Written whole under a name of its own, then linked into place in one step: another process on
  // the same DATA_DIR never reads a half-written key, and exactly one link wins.
  const draft = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  await writeFile(draft, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  await chmod(draft, 0o600);
  try {
    await link(draft, file);
  } catch (err) {
    // Another process on the same DATA_DIR placed it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return resolveSecretKey(undefined, dataDir);
    throw err;
  } finally {
    await unlink(draft);
  }
  return key;
}
