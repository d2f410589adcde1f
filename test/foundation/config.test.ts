import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';

const KEY = Buffer.alloc(32, 7).toString('base64');

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const cfg = loadConfig({});
    expect(cfg.PORT).toBe(8787);
    expect(cfg.PUBLIC_URL).toBe('http://localhost:8787');
    expect(cfg.DATA_DIR).toBe('./.data');
    expect(cfg.LOG_LEVEL).toBe('info');
    expect(cfg.DATABASE_URL).toBeUndefined();
  });

  it('derives PUBLIC_URL from PORT and strips a trailing slash', () => {
    expect(loadConfig({ PORT: '9000' }).PUBLIC_URL).toBe('http://localhost:9000');
    expect(loadConfig({ PUBLIC_URL: 'https://sync.example.com/' }).PUBLIC_URL).toBe('https://sync.example.com');
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '' }).PORT).toBe(8787);
  });

  it.each([
    [{ PORT: 'eighty' }, /^Invalid configuration: PORT expected a port number/],
    [{ PORT: '70000' }, /^Invalid configuration: PORT /],
    [{ PUBLIC_URL: 'not a url' }, /^Invalid configuration: PUBLIC_URL expected an absolute URL/],
    [{ DATABASE_URL: 'mysql://db/x' }, /^Invalid configuration: DATABASE_URL expected a postgres:\/\/ connection URL$/],
    [{ SECRET_KEY: 'c2hvcnQ=' }, /^Invalid configuration: SECRET_KEY expected 32 bytes encoded as base64$/],
    [{ LOG_LEVEL: 'loud' }, /^Invalid configuration: LOG_LEVEL .*"loud"/],
  ])('names the variable and what it expects: %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never echoes a secret value back in the error line', () => {
    const secretish = 'postgres-password-xyz';
    expect(() => loadConfig({ DATABASE_URL: `mysql://u:${secretish}@h/db` })).toThrow(/DATABASE_URL/);
    try {
      loadConfig({ DATABASE_URL: `mysql://u:${secretish}@h/db` });
    } catch (err) {
      expect((err as Error).message).not.toContain(secretish);
    }
  });

  it('accepts a valid full configuration', () => {
    const cfg = loadConfig({ PORT: '0', ...PRODUCTION, LOG_LEVEL: 'silent' });
    expect(cfg.SECRET_KEY).toBe(KEY);
    expect(cfg.sandbox).toBe(false);
  });
});

// Issue 8, finding 5: production configuration fails closed.
const PRODUCTION = {
  SECRET_KEY: KEY,
  DATABASE_URL: 'postgres://u:p@h:5432/db',
  PUBLIC_URL: 'https://sync.example.com',
  CLIO_CLIENT_ID: 'clio-id',
  CLIO_CLIENT_SECRET: 'clio-secret',
  XERO_CLIENT_ID: 'xero-id',
  XERO_CLIENT_SECRET: 'xero-secret',
  XERO_WEBHOOK_KEY: 'xero-webhook-key',
};

describe('sandbox or production', () => {
  it('a fresh clone (no production setting at all) runs in sandbox', () => {
    expect(loadConfig({}).sandbox).toBe(true);
    expect(loadConfig({ PORT: '9000', PUBLIC_URL: 'http://localhost:9000', DATA_DIR: '/tmp/x' }).sandbox).toBe(true);
  });

  it('SANDBOX=1 asks for sandbox even with production settings present', () => {
    const cfg = loadConfig({ SANDBOX: '1', DATABASE_URL: 'postgres://u:p@h/db', SECRET_KEY: KEY });
    expect(cfg.sandbox).toBe(true);
    expect(cfg.xero.webhookKey).toBe('sandbox-webhook-key');
  });

  it.each(['SECRET_KEY', 'XERO_WEBHOOK_KEY', 'PUBLIC_URL', 'CLIO_CLIENT_ID', 'XERO_CLIENT_ID', 'XERO_CLIENT_SECRET', 'DATABASE_URL'] as const)(
    'without %s a production start stops with one line naming it',
    (name) => {
      const env: Record<string, string> = { ...PRODUCTION };
      delete env[name];
      if (name === 'CLIO_CLIENT_ID') delete env.CLIO_CLIENT_SECRET;
      let message = '';
      try {
        loadConfig(env);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(new RegExp(`^Invalid configuration: .* but ${name} is missing; set it, or set SANDBOX=1`));
      expect(message).not.toContain('\n');
      for (const value of Object.values(PRODUCTION)) if (/secret|key|postgres/i.test(value)) expect(message).not.toContain(value);
    },
  );

  it('a production DATABASE_URL alone never falls into sandbox: it names everything missing', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u:p@db.internal/prod' })).toThrow(
      /^Invalid configuration: production settings are present \(DATABASE_URL\) but CLIO_CLIENT_ID, XERO_CLIENT_ID, XERO_CLIENT_SECRET, XERO_WEBHOOK_KEY, SECRET_KEY, PUBLIC_URL are missing/,
    );
  });

  it('PUBLIC_URL must be https outside sandbox; plain http only for this machine', () => {
    expect(() => loadConfig({ ...PRODUCTION, PUBLIC_URL: 'http://sync.example.com' })).toThrow(/^Invalid configuration: PUBLIC_URL must be an https URL/);
    for (const local of ['http://127.0.0.1:8787', 'http://localhost:1', 'http://[::1]:3000']) {
      expect(loadConfig({ ...PRODUCTION, PUBLIC_URL: local }).PUBLIC_URL).toBe(local);
    }
  });
});

describe('mail configuration', () => {
  it('SMTP_URL must be smtp:// or smtps://, and its password is never echoed', () => {
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example.com' })).toThrow(/^Invalid configuration: SMTP_URL expected an smtp:\/\/ or smtps:\/\/ URL$/);
    // Refused, and the refusal names the setting without echoing the password it carried.
    expect(() => loadConfig({ SMTP_URL: 'https://user:hunter2@mail.example.com' })).toThrow(/^Invalid configuration: SMTP_URL expected an smtp:\/\/ or smtps:\/\/ URL$/);
    expect(loadConfig({ SMTP_URL: 'smtps://user:pw@mail.example.com:465' }).smtpUrl).toBe('smtps://user:pw@mail.example.com:465');
  });

  it('without SMTP_URL no email is sent (sandbox mode points it at its own mail catcher when it starts)', () => {
    expect(loadConfig({}).smtpUrl).toBeNull();
    expect(loadConfig({}).MAIL_FROM).toBe('Clio Xero Sync <no-reply@localhost>');
  });
});
