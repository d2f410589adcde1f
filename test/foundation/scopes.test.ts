import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';

// Certification: apps created since March 2026 get granular Xero scopes only.
describe('Xero scopes', () => {
  it('the default asks for offline access and granular scopes, never the broad transactions scope', () => {
    const scopes = loadConfig({}).xero.scopes.split(' ');
    expect(scopes).toContain('offline_access');
    expect(scopes).not.toContain('accounting.transactions');
    expect(scopes).toEqual(expect.arrayContaining(['accounting.contacts', 'accounting.invoices', 'accounting.payments']));
  });

  it('refuses a configured broad scope with a one-line error', () => {
    expect(() => loadConfig({ XERO_SCOPES: 'offline_access accounting.transactions' })).toThrow(/^Invalid configuration: XERO_SCOPES/);
  });

  it('no shipped file names the broad scope (only the guard that refuses it)', () => {
    const grep = spawnSync('git', ['grep', '-n', '-F', 'accounting.transactions', '--', 'server', 'ui/src', 'manifest.json'], {
      encoding: 'utf8',
    });
    // git grep: exit 1 means no match, 0 means a match (listed in stdout).
    expect({ status: grep.status, stdout: grep.stdout }).toEqual({ status: 1, stdout: '' });
  });
});
