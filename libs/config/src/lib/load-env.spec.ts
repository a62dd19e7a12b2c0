import { EmbeddedEnv, GatewayEnv, PushEnv, SyncEnv } from './app-envs';
import { InvalidEnvironmentError, loadEnv } from './load-env';

const KEY = 'ab'.repeat(32);
const SECRET = 'whsec_0123456789abcdef';

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

describe('loadEnv', () => {
  it('applies the documented defaults', () => {
    const env = loadEnv(GatewayEnv, { CREDENTIALS_KEY: KEY, WEBHOOK_SECRET: SECRET });
    expect(env).toMatchObject({
      PORT: 8082,
      DATA_DIR: './data',
      SIGNATURE_TOLERANCE_SECONDS: 300,
      SHOPIMIND_RATE_LIMIT_PER_MINUTE: 600,
      HOUSEKEEPING_INTERVAL_MS: 3_600_000,
      ALLOW_PRIVATE_STORE_URLS: false,
      WEBHOOK_SECRET: [SECRET],
      LOG_LEVEL: 'log',
    });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.NATS_URL).toBeUndefined();
  });

  it('gives each service its own default port', () => {
    expect(loadEnv(SyncEnv, { CREDENTIALS_KEY: KEY }).PORT).toBe(8083);
    expect(loadEnv(PushEnv, { CREDENTIALS_KEY: KEY }).PORT).toBe(8084);
  });

  it('converts numbers, flags and secret lists', () => {
    const env = loadEnv(GatewayEnv, {
      CREDENTIALS_KEY: KEY,
      WEBHOOK_SECRET: ` ${SECRET} , ${SECRET}-next ,`,
      PORT: '9000',
      ALLOW_PRIVATE_STORE_URLS: 'yes',
      SIGNATURE_TOLERANCE_SECONDS: '60',
      SHOPIMIND_RATE_LIMIT_PER_MINUTE: '30',
      HOUSEKEEPING_INTERVAL_MS: '600000',
      DATABASE_URL: 'postgres://u:p@db:5432/storebridge',
      NATS_URL: 'nats://nats:4222',
    });
    expect(env).toMatchObject({
      PORT: 9000,
      ALLOW_PRIVATE_STORE_URLS: true,
      SIGNATURE_TOLERANCE_SECONDS: 60,
      SHOPIMIND_RATE_LIMIT_PER_MINUTE: 30,
      HOUSEKEEPING_INTERVAL_MS: 600_000,
      WEBHOOK_SECRET: [SECRET, `${SECRET}-next`],
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadEnv(SyncEnv, { CREDENTIALS_KEY: KEY, PORT: '' }).PORT).toBe(8083);
  });

  it('ignores variables it does not own', () => {
    expect(loadEnv(SyncEnv, { CREDENTIALS_KEY: KEY, HOME: '/root' })).not.toHaveProperty('HOME');
  });

  it.each([
    ['a missing credentials key', {}, 'CREDENTIALS_KEY'],
    ['a short credentials key', { CREDENTIALS_KEY: 'abc' }, 'CREDENTIALS_KEY'],
    ['a non-numeric port', { CREDENTIALS_KEY: KEY, PORT: 'eighty' }, 'PORT'],
    ['a port out of range', { CREDENTIALS_KEY: KEY, PORT: '70000' }, 'PORT'],
    [
      'a database URL of another kind',
      { CREDENTIALS_KEY: KEY, DATABASE_URL: 'mysql://db/x' },
      'DATABASE_URL',
    ],
    ['a NATS URL without scheme', { CREDENTIALS_KEY: KEY, NATS_URL: 'localhost:4222' }, 'NATS_URL'],
    [
      'a flag that is not a boolean',
      { CREDENTIALS_KEY: KEY, ALLOW_PRIVATE_STORE_URLS: 'maybe' },
      'ALLOW_PRIVATE_STORE_URLS',
    ],
  ])('rejects %s, naming the variable', (_label, source, variable) => {
    const problems = problemsOf(() => loadEnv(SyncEnv, source));
    expect(problems.join('\n')).toContain(variable);
  });

  it('requires the webhook secret in the gateway, and never prints secret values', () => {
    const problems = problemsOf(() =>
      loadEnv(GatewayEnv, { CREDENTIALS_KEY: 'not-hex-secret-value', WEBHOOK_SECRET: 'short' }),
    );
    const text = problems.join('\n');
    expect(text).toContain('WEBHOOK_SECRET');
    expect(text).toContain('CREDENTIALS_KEY');
    expect(text).not.toContain('not-hex-secret-value');
    expect(text).not.toMatch(/\bshort\b/);
  });

  it.each(['0', '-5', 'lots'])('rejects a ShopiMind rate limit of %p, naming the variable', (limit) => {
    const problems = problemsOf(() =>
      loadEnv(GatewayEnv, {
        CREDENTIALS_KEY: KEY,
        WEBHOOK_SECRET: SECRET,
        SHOPIMIND_RATE_LIMIT_PER_MINUTE: limit,
      }),
    );
    expect(problems.join('\n')).toContain('SHOPIMIND_RATE_LIMIT_PER_MINUTE');
  });

  it('accepts a housekeeping interval of 0, which disables it', () => {
    expect(
      loadEnv(GatewayEnv, { CREDENTIALS_KEY: KEY, WEBHOOK_SECRET: SECRET, HOUSEKEEPING_INTERVAL_MS: '0' })
        .HOUSEKEEPING_INTERVAL_MS,
    ).toBe(0);
  });

  it.each(['-1', 'hourly', '1.5', '2147483648'])(
    'rejects a housekeeping interval of %p, naming the variable',
    (interval) => {
      const problems = problemsOf(() =>
        loadEnv(GatewayEnv, {
          CREDENTIALS_KEY: KEY,
          WEBHOOK_SECRET: SECRET,
          HOUSEKEEPING_INTERVAL_MS: interval,
        }),
      );
      expect(problems.join('\n')).toContain('HOUSEKEEPING_INTERVAL_MS');
    },
  );

  it("defaults the OAuth redirect allow-list to ShopiMind's callback and reads a comma-separated list", () => {
    expect(loadEnv(GatewayEnv, { CREDENTIALS_KEY: KEY, WEBHOOK_SECRET: SECRET }).OAUTH_REDIRECT_URIS).toEqual(
      ['https://app.shopimind.com/oauth/callback'],
    );
    expect(
      loadEnv(GatewayEnv, {
        CREDENTIALS_KEY: KEY,
        WEBHOOK_SECRET: SECRET,
        OAUTH_REDIRECT_URIS: ' https://a.example/cb , https://b.example/cb?x=1 ',
      }).OAUTH_REDIRECT_URIS,
    ).toEqual(['https://a.example/cb', 'https://b.example/cb?x=1']);
  });

  it('accepts an http loopback redirect URI only in development (ALLOW_PRIVATE_STORE_URLS)', () => {
    const source = {
      CREDENTIALS_KEY: KEY,
      WEBHOOK_SECRET: SECRET,
      OAUTH_REDIRECT_URIS: 'http://127.0.0.1:9/cb',
    };

    expect(problemsOf(() => loadEnv(GatewayEnv, source)).join()).toContain('OAUTH_REDIRECT_URIS');
    expect(loadEnv(GatewayEnv, { ...source, ALLOW_PRIVATE_STORE_URLS: 'true' }).OAUTH_REDIRECT_URIS).toEqual([
      'http://127.0.0.1:9/cb',
    ]);
  });

  it.each([
    ['an http URI on a public host, even in development', 'http://app.example/cb', 'true'],
    ['something that is not a URL', 'app.shopimind.com/cb', 'false'],
    ['a URI with a fragment', 'https://app.example/cb#x', 'false'],
    ['a URI with credentials', 'https://user:pw@app.example/cb', 'false'],
    ['one bad entry among good ones', 'https://app.example/cb,ftp://app.example/cb', 'false'],
    ['an empty list', ' , ', 'false'],
  ])('rejects %s as an OAuth redirect URI, naming the variable', (_label, uris, allowPrivate) => {
    const problems = problemsOf(() =>
      loadEnv(GatewayEnv, {
        CREDENTIALS_KEY: KEY,
        WEBHOOK_SECRET: SECRET,
        ALLOW_PRIVATE_STORE_URLS: allowPrivate,
        OAUTH_REDIRECT_URIS: uris,
      }),
    );
    expect(problems.join()).toContain('OAUTH_REDIRECT_URIS');
    expect(problems.join()).not.toContain('app.example');
  });

  it('rejects a malformed ShopiMind API URL in push and embedded mode', () => {
    for (const envClass of [PushEnv, EmbeddedEnv]) {
      const source = { CREDENTIALS_KEY: KEY, WEBHOOK_SECRET: SECRET, SHOPIMIND_API_URL: 'core.shopimind' };
      expect(problemsOf(() => loadEnv(envClass, source)).join()).toContain('SHOPIMIND_API_URL');
    }
  });
});
