import { Body, Controller, HttpCode, Logger, Post, type INestApplication } from '@nestjs/common';
import { CommonEnv, loadEnv } from '@storebridge/config';
import { MessagingModule } from '@storebridge/messaging';
import { AcceptedSignatureRepository } from '@storebridge/gateway-persistence';
import { localUrl, startService } from '@storebridge/runtime';
import { expectEventually } from '@storebridge/testing';
import { signShopimindPayload } from '@storebridge/security';
import { GATEWAY_FEATURE_OPTIONS, type GatewayFeatureOptions } from '../gateway-feature.options';
import { failed, succeeded, type ShopimindResponse } from '../shopimind-webhooks/shopimind-response';
import { ShopimindSigned } from '../shopimind-webhooks/shopimind-signed.decorator';
import { InMemoryAcceptedSignatures } from './accepted-signatures.fake';
import { shopimindAuthProviders } from './shopimind-auth.providers';

const SECRET = 'whsec_http_spec_0123456789';
const MIB = 1024 * 1024;

/** A ShopiMind route as the gateway's controllers declare it; the body says how processing goes. */
@Controller('webhook')
@ShopimindSigned()
class ProbeController {
  private readonly crashed = new Set<string>();
  /** How many times the handler ran, per body `id`. */
  readonly runs = new Map<string, number>();
  /** Requests with outcome `slow` wait for this gate. */
  gate: Promise<void> = Promise.resolve();

  @Post('receive')
  @HttpCode(200)
  async receive(@Body() body: { outcome?: string; id?: string }): Promise<ShopimindResponse> {
    if (body.id) {
      this.runs.set(body.id, (this.runs.get(body.id) ?? 0) + 1);
    }
    if (body.outcome === 'slow') {
      await this.gate;
    }
    if (body.outcome === 'crash-once' && body.id && !this.crashed.has(body.id)) {
      this.crashed.add(body.id);
      throw new Error('the store did not answer');
    }
    return body.outcome === 'refuse' ? failed('unknown_installation') : succeeded();
  }

  /** Like the real remote-data route: options, not the `{success}` shape, so the answer is not kept. */
  @Post('remote-data/:resource')
  @HttpCode(200)
  remoteData(): { data: Array<{ value: string; label: string }> } {
    return { data: [{ value: 'https://shop.example.com/hooks/store-token', label: 'products' }] };
  }
}

/**
 * Boots through the services' real `startService` (body parser, raw body, 1 MiB limit), with the auth providers
 * GatewayFeatureModule registers and an in-memory signature store.
 */
async function boot(
  signatures: InMemoryAcceptedSignatures,
  overrides: Partial<GatewayFeatureOptions> = {},
): Promise<INestApplication> {
  const options: GatewayFeatureOptions = {
    webhookSecrets: [SECRET],
    signatureMaxAgeSeconds: 300,
    allowPrivateStoreUrls: false,
    ...overrides,
  };
  return startService(
    {
      module: class ShopimindAuthProbeModule {},
      imports: [MessagingModule.forRoot({ serviceName: 'shopimind-auth-spec' })],
      controllers: [ProbeController],
      providers: [
        { provide: GATEWAY_FEATURE_OPTIONS, useValue: options },
        { provide: AcceptedSignatureRepository, useValue: signatures.asRepository() },
        ...shopimindAuthProviders,
      ],
    },
    {
      serviceName: 'gateway',
      env: loadEnv(CommonEnv, { LOG_LEVEL: 'error' }),
      port: 0,
      host: '127.0.0.1',
    },
  );
}

// One clock reading for the whole file: `now - ++sequence` read afresh could give the same timestamp twice
// across a second boundary, and the same signed request twice is a replay.
const SUITE_STARTED_AT = Math.floor(Date.now() / 1000);
let sequence = 0;

/** A signed POST; each call gets its own timestamp unless one is given, so it is a new request. */
function signedPost(
  url: string,
  body: string,
  timestamp: number = SUITE_STARTED_AT - ++sequence,
  path = '/webhook/receive',
): () => Promise<Response> {
  const headers = {
    'content-type': 'application/json',
    'x-shopimind-signature': signShopimindPayload(SECRET, timestamp, body),
    'x-shopimind-timestamp': String(timestamp),
  };
  return () => fetch(`${url}${path}`, { method: 'POST', headers, body });
}

async function answerOf(response: Response): Promise<{ status: number; body: unknown }> {
  return { status: response.status, body: await response.json() };
}

describe('ShopiMind request authentication over HTTP', () => {
  let signatures: InMemoryAcceptedSignatures;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    signatures = new InMemoryAcceptedSignatures();
    app = await boot(signatures);
    url = localUrl(app);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  afterAll(() => app?.close());

  const probe = (): ProbeController => app.get(ProbeController);

  it('answers an exact resend of a processed request with its first answer, without running it again', async () => {
    const send = signedPost(url, JSON.stringify({ event: 'deactivate', id: 'resend-1' }));

    expect(await answerOf(await send())).toEqual({ status: 200, body: { success: true } });
    expect(await answerOf(await send())).toEqual({ status: 200, body: { success: true } });
    expect(probe().runs.get('resend-1')).toBe(1);
  });

  it('answers a resend sent to another spelling of the same URL from the first answer', async () => {
    const body = JSON.stringify({ outcome: 'refuse', id: 'resend-2' });
    const timestamp = Math.floor(Date.now() / 1000) - ++sequence;

    expect((await signedPost(url, body, timestamp)()).status).toBe(200);
    expect(await answerOf(await signedPost(url, body, timestamp, '/WEBHOOK/Receive/')())).toEqual({
      status: 200,
      body: { success: false, error: 'unknown_installation' },
    });
    expect(probe().runs.get('resend-2')).toBe(1);
  });

  it('gives a resend sent while the first is in progress the same answer once it is done', async () => {
    let open = (): void => undefined;
    probe().gate = new Promise((resolve) => (open = resolve));
    const send = signedPost(url, JSON.stringify({ outcome: 'slow', id: 'resend-3' }));

    const first = send();
    await expectEventually(() => expect(probe().runs.get('resend-3')).toBe(1));
    const resend = send();
    await new Promise((resolve) => setTimeout(resolve, 300));
    open();

    expect(await answerOf(await first)).toEqual({ status: 200, body: { success: true } });
    expect(await answerOf(await resend)).toEqual({ status: 200, body: { success: true } });
    expect(probe().runs.get('resend-3')).toBe(1);
  });

  it('lets the resend of a request whose first attempt died mid-way do the work', async () => {
    const body = JSON.stringify({ event: 'activate', id: 'resend-4' });
    const timestamp = Math.floor(Date.now() / 1000) - ++sequence;
    // What a replica that crashed while processing leaves behind: a claim whose processing lease ran out.
    await signatures.claim(
      signShopimindPayload(SECRET, timestamp, body),
      'POST /webhook/receive',
      new Date(Date.now() + 60_000),
      new Date(Date.now() - 1),
    );

    expect(await answerOf(await signedPost(url, body, timestamp)())).toEqual({
      status: 200,
      body: { success: true },
    });
    expect(probe().runs.get('resend-4')).toBe(1);
  });

  it('keeps no answer but the ShopiMind {success} shape: a remote-data resend is refused as before', async () => {
    const body = JSON.stringify({ store_base_url: 'https://shop.example.com' });
    const timestamp = Math.floor(Date.now() / 1000) - ++sequence;
    const statuses = [];
    for (const resource of ['products', 'categories', 'products']) {
      statuses.push((await signedPost(url, body, timestamp, `/webhook/remote-data/${resource}`)()).status);
    }

    expect(statuses).toEqual([200, 200, 401]);
    expect(JSON.stringify([...signatures.progress.values()])).not.toContain('store-token');
  });

  it('refuses a tampered resend with a bare 401', async () => {
    const body = JSON.stringify({ event: 'deactivate', id: 'resend-5' });
    const timestamp = Math.floor(Date.now() / 1000) - ++sequence;
    await signedPost(url, body, timestamp)();
    const tampered = body.replace('deactivate', 'uninstall');

    const response = await fetch(`${url}/webhook/receive`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopimind-signature': signShopimindPayload(SECRET, timestamp, body),
        'x-shopimind-timestamp': String(timestamp),
      },
      body: tampered,
    });

    expect(await answerOf(response)).toEqual({
      status: 401,
      body: { success: false, error: 'unauthorized' },
    });
  });

  it("accepts ShopiMind's retry of a request whose processing failed, then answers resends from it", async () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const send = signedPost(url, JSON.stringify({ outcome: 'crash-once', id: 'retry-1' }));

    expect((await send()).status).toBe(500);
    expect(await answerOf(await send())).toEqual({ status: 200, body: { success: true } });
    expect(await answerOf(await send())).toEqual({ status: 200, body: { success: true } });
    expect(probe().runs.get('retry-1')).toBe(2);
  });

  it('refuses a body over 1 MiB with 413 {success:false, error:"payload_too_large"}', async () => {
    const body = JSON.stringify({ event: 'config_updated', padding: 'x'.repeat(Math.ceil(1.1 * MIB)) });

    expect(await answerOf(await signedPost(url, body)())).toEqual({
      status: 413,
      body: { success: false, error: 'payload_too_large' },
    });
  });

  it('still accepts a body just under 1 MiB', async () => {
    const body = JSON.stringify({ event: 'config_updated', padding: 'x'.repeat(MIB - 100) });

    expect((await signedPost(url, body)()).status).toBe(200);
  });

  it('refuses unparseable JSON with 400 {success:false, error:"invalid_json"}', async () => {
    expect(await answerOf(await signedPost(url, '{"event": "install",')())).toEqual({
      status: 400,
      body: { success: false, error: 'invalid_json' },
    });
  });
});

describe('ShopiMind rate limit over HTTP', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    app = await boot(new InMemoryAcceptedSignatures(), {
      shopimindRateLimit: { limit: 3, windowMs: 60_000 },
    });
    url = localUrl(app);
  });

  afterAll(() => app?.close());

  it('answers 429 {success:false, error:"rate_limited"} with Retry-After once a client is over the limit', async () => {
    const statuses = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      statuses.push((await signedPost(url, '{"event":"activate"}')()).status);
    }
    const limited = await signedPost(url, '{"event":"activate"}')();

    expect(statuses).toEqual([200, 200, 200]);
    expect(await answerOf(limited)).toEqual({ status: 429, body: { success: false, error: 'rate_limited' } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
