import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readServeSettings, SandboxServeSettingsError } from './sandbox-serve-settings';

describe('readServeSettings', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sandbox-serve-'));
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('defaults to the ports of the tour and signs with the first secret of the list', () => {
    expect(readServeSettings({ WEBHOOK_SECRET: 'whsec_current, whsec_previous', DATA_DIR: dataDir })).toEqual(
      {
        port: 8090,
        gatewayUrl: 'http://127.0.0.1:8082',
        webhookSecret: 'whsec_current',
        webhookSecretSource: 'WEBHOOK_SECRET',
        demoStore: { port: 8091, productCount: 500, orderCount: 50, apiKey: 'sandbox-demo-store-key' },
      },
    );
  });

  it('reads every setting from the environment', () => {
    const settings = readServeSettings({
      WEBHOOK_SECRET: 'whsec_x',
      SANDBOX_PORT: '0',
      GATEWAY_URL: 'https://gateway.example/',
      DEMO_STORE_PORT: '9100',
      DEMO_PRODUCTS: '20',
      DEMO_ORDERS: '3',
      DEMO_STORE_API_KEY: 'k',
    });
    expect(settings).toMatchObject({
      port: 0,
      gatewayUrl: 'https://gateway.example',
      demoStore: { port: 9100, productCount: 20, orderCount: 3, apiKey: 'k' },
    });
  });

  it('without WEBHOOK_SECRET, uses the one an embedded gateway generated in DATA_DIR', () => {
    const file = join(dataDir, 'embedded-secrets.json');
    writeFileSync(file, JSON.stringify({ CREDENTIALS_KEY: 'c', WEBHOOK_SECRET: 'whsec_generated' }));
    expect(readServeSettings({ DATA_DIR: dataDir })).toMatchObject({
      webhookSecret: 'whsec_generated',
      webhookSecretSource: file,
    });
  });

  it.each([
    [{ SANDBOX_PORT: '80a' }, 'SANDBOX_PORT must be an integer from 0 to 65535, got 80a'],
    [{ DEMO_STORE_PORT: '70000' }, 'DEMO_STORE_PORT must be an integer from 0 to 65535, got 70000'],
    [{ GATEWAY_URL: 'ftp://gateway' }, 'GATEWAY_URL must be an http(s) URL, got ftp://gateway'],
    [{ GATEWAY_URL: 'gateway:8082' }, 'GATEWAY_URL must be an http(s) URL, got gateway:8082'],
  ])('refuses %j', (env, message) => {
    expect(() => readServeSettings({ WEBHOOK_SECRET: 's', ...env })).toThrow(
      new SandboxServeSettingsError(message),
    );
  });

  it('refuses to start without a secret', () => {
    expect(() => readServeSettings({ DATA_DIR: dataDir })).toThrow(
      new SandboxServeSettingsError(
        `WEBHOOK_SECRET is not set and ${join(dataDir, 'embedded-secrets.json')} does not exist: set WEBHOOK_SECRET to the gateway's secret`,
      ),
    );
  });

  it('refuses a secrets file without a secret', () => {
    writeFileSync(join(dataDir, 'embedded-secrets.json'), JSON.stringify({ CREDENTIALS_KEY: 'c' }));
    expect(() => readServeSettings({ DATA_DIR: dataDir })).toThrow(
      /holds no WEBHOOK_SECRET; set WEBHOOK_SECRET instead$/,
    );
  });
});
