import { describe, expect, it } from 'vitest';
import { parseConfig, UsageError } from '../../src/cli/config.js';

describe('CLI configuration', () => {
  it('has useful defaults', () => {
    expect(parseConfig([], {})).toEqual({
      port: 8080,
      host: '0.0.0.0',
      dataFile: undefined,
      scenario: undefined,
      seedCount: undefined,
      fakerSeed: undefined,
      publicBaseUrl: undefined,
      logLevel: 'info',
      logFormat: undefined,
      scenariosDir: undefined,
      watch: false,
      corsOrigins: undefined,
      allowedHosts: undefined,
      rateLimits: false,
      controlToken: undefined,
      maxSessions: undefined,
      sessionTtlMs: undefined,
    });
  });

  it('reads the environment, and flags win over it', () => {
    const env = { PORT: '9000', DATA_FILE: '/data/db.json', SEED_COUNT: '10', FAKER_SEED: '7', LOG_LEVEL: 'debug', CORS_ORIGINS: 'http://a.test, http://b.test', RATE_LIMITS: 'true' };
    const fromEnv = parseConfig([], env);
    expect(fromEnv).toMatchObject({ port: 9000, dataFile: '/data/db.json', seedCount: 10, fakerSeed: 7, logLevel: 'debug', corsOrigins: ['http://a.test', 'http://b.test'], rateLimits: true });
    expect(parseConfig(['--port', '4010', '--data', 'x.json', '--scenario', 'empty'], env)).toMatchObject({ port: 4010, dataFile: 'x.json', scenario: 'empty' });
    expect(parseConfig(['--rate-limits'], {}).rateLimits).toBe(true);
  });

  it.each([
    [['--nope'], /nope/],
    [['--port', 'eighty'], /--port/],
    [['--port', '70000'], /--port/],
    [['--seed-count', '-1'], /--seed-count \(SEED_COUNT\) must be a whole number from 0 to 1000000; got "-1"/],
    [['--port', '-1'], /--port \(PORT\) must be a whole number from 0 to 65535; got "-1"/],
    [['--scenarios-dir', '/no/such/folder'], /--scenarios-dir \(SCENARIOS_DIR\): there is no folder "\/no\/such\/folder"/],
    [['--log-level', 'loud'], /--log-level/],
    [['--public-base-url', 'example.com/path'], /--public-base-url/],
    [['positional'], /positional/i],
    [['--cors-origins', 'https://App.example.com/'], /--cors-origins/],
    [['--allowed-hosts', 'http://qlik:8080'], /--allowed-hosts/],
    [['--max-sessions', '0'], /--max-sessions/],
    [['--session-ttl', '5 minutes'], /--session-ttl/],
    [['--session-ttl', '0s'], /--session-ttl/],
    [['--log-format', 'xml'], /--log-format/],
  ])('refuses %j with a UsageError naming it', (argv, pattern) => {
    expect(() => parseConfig(argv, {})).toThrow(UsageError);
    expect(() => parseConfig(argv, {})).toThrow(pattern);
  });

  it("takes '*' as any origin, host names for browsers, session bounds and durations", () => {
    expect(parseConfig(['--cors-origins', '*'], {}).corsOrigins).toEqual(['*']);
    expect(parseConfig(['--allowed-hosts', 'qlik, Mock.Example.com'], {}).allowedHosts).toEqual(['qlik', 'mock.example.com']);
    expect(parseConfig([], { ALLOWED_HOSTS: '[::1]' }).allowedHosts).toEqual(['[::1]']);
    expect(parseConfig(['--max-sessions', '5', '--session-ttl', '90s'], {})).toMatchObject({ maxSessions: 5, sessionTtlMs: 90_000 });
    expect(parseConfig(['--session-ttl', '2h'], {}).sessionTtlMs).toBe(7_200_000);
    expect(parseConfig([], { SESSION_TTL: '45' }).sessionTtlMs).toBe(2_700_000);
  });

  it('refuses a control token that is set but empty (an unset CI secret), from the flag or the environment', () => {
    expect(() => parseConfig(['--control-token', ''], {})).toThrow(/--control-token is set but empty/);
    expect(() => parseConfig(['--control-token', '  '], {})).toThrow(UsageError);
    expect(() => parseConfig([], { CONTROL_TOKEN: '' })).toThrow(/CONTROL_TOKEN is set but empty/);
    // The flag wins over an empty variable; other empty variables still mean "unset".
    expect(parseConfig(['--control-token', 'secret'], { CONTROL_TOKEN: '' }).controlToken).toBe('secret');
    expect(parseConfig([], { PORT: '', DATA_FILE: '' })).toMatchObject({ port: 8080, dataFile: undefined, controlToken: undefined });
  });

  it('refuses a bad value from the environment, naming the setting', () => {
    expect(() => parseConfig([], { PORT: 'x' })).toThrow(/--port/);
    expect(() => parseConfig([], { RATE_LIMITS: 'maybe' })).toThrow(/RATE_LIMITS/);
  });
});
