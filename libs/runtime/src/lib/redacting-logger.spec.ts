import { redactSecrets } from './redacting-logger';

describe('redactSecrets', () => {
  it.each([
    ['an authorization header', 'Authorization: Bearer eyJhbGciOi.secret', 'Authorization: [redacted]'],
    ['an API key header', 'x-api-key=sk_live_123', 'x-api-key=[redacted]'],
    [
      'a JSON access token',
      '{"access_token":"spm_abc","event":"install"}',
      '{"access_token":"[redacted]","event":"install"}',
    ],
    ['a password field', "password: 'hunter2'", "password: '[redacted]'"],
    ['credentials in a URL', 'postgres://app:s3cret@db:5432/x', 'postgres://app:[redacted]@db:5432/x'],
  ])('masks %s', (_label, input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it('leaves ordinary messages alone', () => {
    const message = 'Synced 250 products for connection 7a0e3c51 in 1.2 s';
    expect(redactSecrets(message)).toBe(message);
  });
});
