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
    const cfg = loadConfig({ PORT: '0', SECRET_KEY: KEY, DATABASE_URL: 'postgres://u:p@h:5432/db', LOG_LEVEL: 'silent' });
    expect(cfg.SECRET_KEY).toBe(KEY);
  });
});

describe('mail configuration', () => {
  it('SMTP_URL must be smtp:// or smtps://, and its password is never echoed', () => {
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example.com' })).toThrow(/^Invalid configuration: SMTP_URL expected an smtp:\/\/ or smtps:\/\/ URL$/);
    expect(() => loadConfig({ SMTP_URL: 'https://user:hunter2@mail.example.com' })).not.toThrow(/hunter2/);
    expect(loadConfig({ SMTP_URL: 'smtps://user:pw@mail.example.com:465' }).smtpUrl).toBe('smtps://user:pw@mail.example.com:465');
  });

  it('without SMTP_URL no email is sent (sandbox mode points it at its own mail catcher when it starts)', () => {
    expect(loadConfig({}).smtpUrl).toBeNull();
    expect(loadConfig({}).MAIL_FROM).toBe('Clio Xero Sync <no-reply@localhost>');
  });
});
