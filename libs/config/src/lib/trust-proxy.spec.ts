import { GatewayEnv, EmbeddedEnv } from './app-envs';
import { InvalidEnvironmentError, loadEnv } from './load-env';
import { readTrustProxy } from './trust-proxy';

const REQUIRED = { CREDENTIALS_KEY: 'ab'.repeat(32), WEBHOOK_SECRET: 'whsec_0123456789abcdef' };

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidEnvironmentError) {
      return error.problems;
    }
    throw error;
  }
  throw new Error('expected the environment to be rejected');
}

describe('readTrustProxy', () => {
  it.each(['', '  ', 'false', 'FALSE', '0'])('reads %p as off', (text) => {
    expect(readTrustProxy(text)).toEqual({ setting: undefined });
  });

  it.each([
    ['1', 1],
    [' 2 ', 2],
  ])('reads %p as a hop count', (text, hops) => {
    expect(readTrustProxy(text)).toEqual({ setting: hops });
  });

  it('reads a comma-separated list of IPs, CIDRs and range names, trimmed', () => {
    expect(readTrustProxy(' loopback , 10.0.0.0/8,192.0.2.7, fd00::/8,::1 ,uniquelocal,linklocal')).toEqual({
      setting: ['loopback', '10.0.0.0/8', '192.0.2.7', 'fd00::/8', '::1', 'uniquelocal', 'linklocal'],
    });
  });

  it.each(['true', 'True', ' TRUE '])('refuses %p, which would believe any X-Forwarded-For', (text) => {
    const reading = readTrustProxy(text);

    expect(reading).toEqual({ problem: expect.stringContaining('hop count') });
    expect(reading).toEqual({ problem: expect.stringContaining('X-Forwarded-For') });
  });

  it.each([
    ['a negative hop count', '-1'],
    ['a fractional hop count', '1.5'],
    ['a hop count beyond any integer', '99999999999999999999'],
    ['a host name', 'proxy.internal'],
    ['a range name in capitals', 'Loopback'],
    ['a short IPv4 form', '10.1'],
    ['an empty entry', 'loopback,,10.0.0.1'],
    ['a hop count inside a list', 'loopback,1'],
    ['a zero prefix, which trusts everything', '0.0.0.0/0'],
    ['an IPv4 prefix over 32', '10.0.0.0/33'],
    ['an IPv6 prefix over 128', 'fd00::/129'],
    ['a netmask instead of a prefix length', '10.0.0.0/255.0.0.0'],
    ['a prefix that is no number', '10.0.0.0/x'],
  ])('refuses %s', (_label, text) => {
    expect(readTrustProxy(text)).toEqual({ problem: expect.stringContaining('TRUST_PROXY must be') });
  });
});

describe('TRUST_PROXY in the gateway environment', () => {
  it('is off by default, in the gateway and in embedded mode', () => {
    expect(loadEnv(GatewayEnv, REQUIRED).TRUST_PROXY).toBeUndefined();
    expect(loadEnv(EmbeddedEnv, REQUIRED).TRUST_PROXY).toBeUndefined();
  });

  it.each([
    ['false', undefined],
    ['2', 2],
    ['loopback, 10.0.0.0/8', ['loopback', '10.0.0.0/8']],
  ])('reads %p as Express takes it', (text, setting) => {
    expect(loadEnv(GatewayEnv, { ...REQUIRED, TRUST_PROXY: text }).TRUST_PROXY).toEqual(setting);
  });

  it('refuses true at start-up, asking for a hop count or the proxies', () => {
    const problems = problemsOf(() => loadEnv(EmbeddedEnv, { ...REQUIRED, TRUST_PROXY: 'true' }));

    expect(problems).toEqual([expect.stringMatching(/^TRUST_PROXY=true .*hop count/)]);
  });

  it('refuses anything else at start-up, naming the variable and what it takes', () => {
    const problems = problemsOf(() => loadEnv(GatewayEnv, { ...REQUIRED, TRUST_PROXY: 'proxy.internal' }));

    expect(problems).toEqual([expect.stringMatching(/^TRUST_PROXY must be .*hop count.*CIDRs.*loopback/)]);
  });
});
