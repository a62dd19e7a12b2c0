import { GatewayEnv } from './app-envs';
import { InvalidEnvironmentError, loadEnv } from './load-env';

const gateway = { CREDENTIALS_KEY: 'ab'.repeat(32), WEBHOOK_SECRET: 'a-webhook-secret-0123456789' };

describe('ADMIN_TOKEN', () => {
  it('is off unless set, an empty value included', () => {
    expect(loadEnv(GatewayEnv, gateway).ADMIN_TOKEN).toBeUndefined();
    expect(loadEnv(GatewayEnv, { ...gateway, ADMIN_TOKEN: '' }).ADMIN_TOKEN).toBeUndefined();
  });

  it('takes 32 printable characters or more', () => {
    const token = 'f'.repeat(64);

    expect(loadEnv(GatewayEnv, { ...gateway, ADMIN_TOKEN: token }).ADMIN_TOKEN).toBe(token);
  });

  it.each([
    ['too short', 'short-token'],
    ['with a space', `${'a'.repeat(20)} ${'b'.repeat(20)}`],
    ['not ASCII', 'é'.repeat(40)],
  ])('refuses a token %s, naming the variable, never the value', (_label, token) => {
    let error: unknown;
    try {
      loadEnv(GatewayEnv, { ...gateway, ADMIN_TOKEN: token });
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(InvalidEnvironmentError);
    expect((error as InvalidEnvironmentError).problems.join()).toMatch(/^ADMIN_TOKEN must/);
    expect((error as InvalidEnvironmentError).message).not.toContain(token);
  });
});
