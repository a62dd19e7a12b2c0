import type { INestApplication } from '@nestjs/common';
import { GatewayEnv, loadEnv } from '@storebridge/config';
import { localUrl } from '@storebridge/runtime';
import { signShopimindPayload } from '@storebridge/security';
import { startGateway } from './gateway-app.module';

/*
 * Issue #19: the per-IP rate limit of signed ShopiMind requests, behind a proxy. Without TRUST_PROXY the socket's
 * address is the client (a client-supplied X-Forwarded-For changes nothing); with it, the address the trusted
 * proxies vouch for. These requests come from 127.0.0.1, standing in for the proxy. One signed request per client
 * and minute, so the second one of a client is refused.
 */

const SECRET = 'gateway-trust-proxy-secret-0123456789';

async function startWith(trustProxy: string | undefined): Promise<INestApplication> {
  const env = loadEnv(GatewayEnv, {
    CREDENTIALS_KEY: 'ef'.repeat(32),
    WEBHOOK_SECRET: SECRET,
    DATA_DIR: 'memory://',
    LOG_LEVEL: 'error',
    SHOPIMIND_RATE_LIMIT_PER_MINUTE: '1',
    TRUST_PROXY: trustProxy,
  });
  return startGateway(env, { host: '127.0.0.1', port: 0 });
}

let sent = 0;

/** A validly signed lifecycle request (a new body each time, so never a replay); its status. */
async function signedFrom(app: INestApplication, forwardedFor?: string): Promise<number> {
  sent += 1;
  const body = JSON.stringify({ event: 'deactivate', installation_id: `inst_trust_proxy_${sent}` });
  const timestamp = Math.floor(Date.now() / 1000);
  const response = await fetch(`${localUrl(app)}/webhook/receive`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopimind-signature': signShopimindPayload(SECRET, timestamp, body),
      'x-shopimind-timestamp': String(timestamp),
      ...(forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }),
    },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

describe('gateway rate limit behind a proxy', () => {
  describe('without TRUST_PROXY', () => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await startWith(undefined);
    });

    afterAll(() => app?.close());

    it('counts every caller against the socket address, whatever X-Forwarded-For they send', async () => {
      expect(await signedFrom(app, '203.0.113.1')).toBe(200);
      expect(await signedFrom(app, '203.0.113.2')).toBe(429);
      expect(await signedFrom(app)).toBe(429);
    });
  });

  describe('with TRUST_PROXY=loopback', () => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await startWith('loopback');
    });

    afterAll(() => app?.close());

    it('gives each forwarded client its own budget', async () => {
      expect(await signedFrom(app, '203.0.113.1')).toBe(200);
      expect(await signedFrom(app, '203.0.113.2')).toBe(200);
      expect(await signedFrom(app)).toBe(200);

      expect(await signedFrom(app, '203.0.113.1')).toBe(429);
      expect(await signedFrom(app, '203.0.113.2')).toBe(429);
    });
  });

  describe('with TRUST_PROXY=1', () => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await startWith('1');
    });

    afterAll(() => app?.close());

    it('counts a forged chain against its right-most hop, the one the proxy added', async () => {
      expect(await signedFrom(app, '6.6.6.6, 10.0.0.1')).toBe(200);
      // Had the forged 6.6.6.6 been counted, its budget would be spent now.
      expect(await signedFrom(app, '6.6.6.6')).toBe(200);
      expect(await signedFrom(app, '7.7.7.7, 10.0.0.1')).toBe(429);
      expect(await signedFrom(app, '10.0.0.1')).toBe(429);
    });
  });
});
