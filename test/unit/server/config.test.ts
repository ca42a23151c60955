import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../server/config.ts';

describe('loadConfig', () => {
  it('has defaults that suit npm start', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      scenario: 'small-lab',
      drivers: { hsm: { kind: 'softhsm' }, sed: { kind: 'sim' }, tape: { kind: 'sim' } },
    });
    expect(config.dataDir).toBe(path.resolve('data'));
    expect(config.databaseUrl).toBeUndefined();
  });

  it('reads the environment, coercing numbers and booleans', () => {
    const config = loadConfig({
      LOCKWARDEN_PORT: '9090',
      LOCKWARDEN_SECURE_COOKIES: 'true',
      LOCKWARDEN_SED_KIND: 'real',
      DATABASE_URL: 'postgres://u@db/lw',
    });
    expect(config.port).toBe(9090);
    expect(config.secureCookies).toBe(true);
    expect(config.drivers.sed.kind).toBe('real');
    expect(config.databaseUrl).toBe('postgres://u@db/lw');
  });

  it('names the bad key, where it came from and its value', () => {
    expect(() => loadConfig({ LOCKWARDEN_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ LOCKWARDEN_PORT: 'eighty' })).toThrow(/port from LOCKWARDEN_PORT = "eighty"/);
    expect(() => loadConfig({ LOCKWARDEN_SECURE_COOKIES: 'maybe' })).toThrow(/secureCookies.*"maybe"/);
    expect(() => loadConfig({ LOCKWARDEN_SCENARIO: 'moon-base' })).toThrow(
      /scenario from LOCKWARDEN_SCENARIO = "moon-base"/,
    );
  });

  it('does not echo a database URL, which may hold a password', () => {
    try {
      loadConfig({ DATABASE_URL: 'mysql://root:hunter2@db/lw' });
      expect.unreachable();
    } catch (err) {
      expect(String(err)).toMatch(/databaseUrl from DATABASE_URL = \(hidden\)/);
      expect(String(err)).not.toContain('hunter2');
    }
  });

  it('merges a JSON file under the environment and rejects unknown keys', () => {
    const files: Record<string, string> = {
      '/etc/lw.json': JSON.stringify({ port: 7000, session: { idleTimeoutMinutes: 10 } }),
      '/etc/bad.json': JSON.stringify({ prot: 7000 }),
      '/etc/broken.json': '{ port: ',
    };
    const read = (p: string) => files[p] ?? '';
    const config = loadConfig({ LOCKWARDEN_CONFIG: '/etc/lw.json', LOCKWARDEN_HOST: '0.0.0.0' }, read);
    expect(config).toMatchObject({ port: 7000, host: '0.0.0.0', session: { idleTimeoutMinutes: 10 } });
    expect(() => loadConfig({ LOCKWARDEN_CONFIG: '/etc/bad.json' }, read)).toThrow(/prot/);
    expect(() => loadConfig({ LOCKWARDEN_CONFIG: '/etc/broken.json' }, read)).toThrow(
      /Cannot read configuration file/,
    );
  });
});
