import {
  checkStoreUrl,
  resolveStoreSettings,
  STORE_ADDRESS_FORBIDDEN_CODE,
  StoreClient,
} from '@storebridge/store-client';
import { describeStoreRequestFailure } from './store-failure';

describe('describeStoreRequestFailure', () => {
  it('words a connection refused by the pinned agent as the URL policy words a private address', async () => {
    // A public-looking name that resolves to loopback once the connection is made (DNS rebinding).
    const resolve = async (): Promise<string[]> => ['127.0.0.1'];
    const baseUrl = 'https://shop.example';
    const client = new StoreClient(
      resolveStoreSettings({ baseUrl, auth: { method: 'api_key', token: 'k' } }),
      { allowPrivateAddresses: false, resolve, retries: 0, timeoutMs: 2_000 },
    );
    const health = await client.checkHealth();
    if (health.ok) {
      throw new Error('the pinned agent let a loopback connection through');
    }
    expect(health.error.code).toBe(STORE_ADDRESS_FORBIDDEN_CODE);

    const policy = await checkStoreUrl(baseUrl, { allowPrivate: false, lookup: resolve });
    expect(policy).toMatchObject({ ok: false, reason: 'private_address' });
    expect(describeStoreRequestFailure(health.error, 'health', baseUrl)).toMatchObject({
      step: 'health',
      problem: 'private_address',
      message: policy.ok ? undefined : policy.message,
      code: STORE_ADDRESS_FORBIDDEN_CODE,
    });
  });
});
