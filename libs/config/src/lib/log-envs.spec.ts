import { logFormatOf, SyncEnv } from './app-envs';
import { InvalidEnvironmentError, loadEnv } from './load-env';

const KEY = 'ab'.repeat(32);

describe('LOG_FORMAT and HOST', () => {
  it('writes JSON in production and text elsewhere unless LOG_FORMAT says otherwise', () => {
    expect(logFormatOf(loadEnv(SyncEnv, { CREDENTIALS_KEY: KEY, NODE_ENV: 'production' }))).toBe('json');
    expect(logFormatOf(loadEnv(SyncEnv, { CREDENTIALS_KEY: KEY, NODE_ENV: 'development' }))).toBe('text');
    expect(logFormatOf(loadEnv(SyncEnv, { CREDENTIALS_KEY: KEY }))).toBe('text');
    expect(
      logFormatOf(loadEnv(SyncEnv, { CREDENTIALS_KEY: KEY, NODE_ENV: 'production', LOG_FORMAT: 'text' })),
    ).toBe('text');
    expect(logFormatOf(loadEnv(SyncEnv, { CREDENTIALS_KEY: KEY, LOG_FORMAT: 'json' }))).toBe('json');
  });

  it('refuses another log format', () => {
    expect(() => loadEnv(SyncEnv, { CREDENTIALS_KEY: KEY, LOG_FORMAT: 'xml' })).toThrow(
      new InvalidEnvironmentError(['LOG_FORMAT must be one of json, text']),
    );
  });

  it('binds every interface unless HOST names one', () => {
    expect(loadEnv(SyncEnv, { CREDENTIALS_KEY: KEY }).HOST).toBe('0.0.0.0');
    expect(loadEnv(SyncEnv, { CREDENTIALS_KEY: KEY, HOST: '127.0.0.1' }).HOST).toBe('127.0.0.1');
    expect(() => loadEnv(SyncEnv, { CREDENTIALS_KEY: KEY, HOST: 'two words' })).toThrow(
      InvalidEnvironmentError,
    );
  });
});
