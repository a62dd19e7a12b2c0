import { ExecutionContext, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { signShopimindPayload } from '@storebridge/security';
import type { GatewayFeatureOptions } from '../gateway-feature.options';
import { InMemoryAcceptedSignatures } from '../shopimind-auth/accepted-signatures.fake';
import { SHOPIMIND_CALLER_PROPERTY } from '../shopimind-auth/shopimind-caller';
import { ShopimindRateLimits } from '../shopimind-auth/shopimind-rate-limits';
import {
  RESEND_POLL_INTERVAL_MS,
  SIGNATURE_PROCESSING_LEASE_MS,
  SIGNATURE_PURGE_INTERVAL_MS,
  ShopimindSignatureStrategy,
} from '../shopimind-auth/shopimind-signature.strategy';
import { ShopimindSignatureGuard } from './shopimind-signature.guard';

const OLD_SECRET = 'whsec_old_rotating_0123456789';
const NEW_SECRET = 'whsec_new_current_9876543210';
const NOW_SECONDS = 1_800_000_000;
const BODY = Buffer.from('{"event":"install","installation_id":"inst_1","access_token":"spm_tok"}');

const baseOptions: GatewayFeatureOptions = {
  webhookSecrets: [OLD_SECRET, NEW_SECRET],
  signatureMaxAgeSeconds: 300,
  allowPrivateStoreUrls: false,
};

interface FakeRequest {
  method: string;
  path: string;
  ip: string;
  rawBody?: Buffer;
  res?: FakeResponse;
  header(name: string): string | undefined;
  [SHOPIMIND_CALLER_PROPERTY]?: unknown;
}

interface FakeResponse {
  headers: Record<string, string>;
  setHeader(name: string, value: string): void;
}

/** An Express-like request: `header()` is case-insensitive, as in Express. */
function request(
  headers: Record<string, string | undefined>,
  rawBody: Buffer = BODY,
  ip = '203.0.113.7',
): FakeRequest {
  const lowerCased = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return {
    method: 'POST',
    path: '/webhook/receive',
    ip,
    rawBody,
    header: (name) => lowerCased[name.toLowerCase()],
  };
}

function contextFor(req: FakeRequest, res: FakeResponse = response()): ExecutionContext {
  req.res = res;
  return {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
  } as unknown as ExecutionContext;
}

function response(): FakeResponse {
  const headers: Record<string, string> = {};
  return { headers, setHeader: (name, value) => (headers[name] = value) };
}

function signedHeaders(
  secret: string,
  timestamp: number = NOW_SECONDS,
  body: Buffer = BODY,
): Record<string, string> {
  return {
    'X-Shopimind-Signature': signShopimindPayload(secret, timestamp, body),
    'X-Shopimind-Timestamp': String(timestamp),
  };
}

describe('ShopimindSignatureGuard', () => {
  let signatures: InMemoryAcceptedSignatures;
  let guard: ShopimindSignatureGuard;
  let warn: jest.SpyInstance;
  let nowMs: number;

  /** Builds the guard and (re)registers its passport strategy, as Nest does at boot. */
  function boot(options: GatewayFeatureOptions = baseOptions): void {
    new ShopimindSignatureStrategy(options, signatures.asRepository(), new ShopimindRateLimits(options));
    guard = new ShopimindSignatureGuard();
  }

  /** Runs the guard and returns the refusal's status and body, or fails when the request was let through. */
  async function refusal(req: FakeRequest, res?: FakeResponse): Promise<{ status: number; body: unknown }> {
    const error: unknown = await guard.canActivate(contextFor(req, res)).then(
      () => {
        throw new Error('expected the guard to refuse the request');
      },
      (refused: unknown) => refused,
    );
    expect(error).toBeInstanceOf(HttpException);
    return { status: (error as HttpException).getStatus(), body: (error as HttpException).getResponse() };
  }

  beforeEach(() => {
    nowMs = NOW_SECONDS * 1000 + 999;
    jest.spyOn(Date, 'now').mockImplementation(() => nowMs);
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    signatures = new InMemoryAcceptedSignatures();
    boot();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('signature', () => {
    it.each([
      ['the old secret', OLD_SECRET],
      ['the new secret', NEW_SECRET],
    ])('lets through a request signed with %s of the rotation', async (_label, secret) => {
      const req = request(signedHeaders(secret));

      await expect(guard.canActivate(contextFor(req))).resolves.toBe(true);
      expect(warn).not.toHaveBeenCalled();
      expect(req[SHOPIMIND_CALLER_PROPERTY]).toEqual({
        signature: signShopimindPayload(secret, NOW_SECONDS, BODY),
        route: 'POST /webhook/receive',
        timestamp: NOW_SECONDS,
      });
    });

    it('accepts a timestamp exactly at the edge of the 300 s window', async () => {
      const req = request(signedHeaders(NEW_SECRET, NOW_SECONDS - 300));
      await expect(guard.canActivate(contextFor(req))).resolves.toBe(true);
    });

    it('accepts a signature sent in upper-case hex', async () => {
      const headers = signedHeaders(NEW_SECRET);
      headers['X-Shopimind-Signature'] = headers['X-Shopimind-Signature'].toUpperCase();
      await expect(guard.canActivate(contextFor(request(headers)))).resolves.toBe(true);
    });

    it.each<[string, () => FakeRequest]>([
      ['a missing signature header', () => request({ 'X-Shopimind-Timestamp': String(NOW_SECONDS) })],
      [
        'a missing timestamp header',
        () => request({ 'X-Shopimind-Signature': signShopimindPayload(NEW_SECRET, NOW_SECONDS, BODY) }),
      ],
      ['no headers at all', () => request({})],
      ['a timestamp older than 300 s', () => request(signedHeaders(NEW_SECRET, NOW_SECONDS - 301))],
      ['a timestamp more than 60 s ahead', () => request(signedHeaders(NEW_SECRET, NOW_SECONDS + 61))],
      [
        'a non-numeric timestamp',
        () =>
          request({
            'X-Shopimind-Signature': signShopimindPayload(NEW_SECRET, 'yesterday', BODY),
            'X-Shopimind-Timestamp': 'yesterday',
          }),
      ],
      [
        'a signature made with a secret that is not configured',
        () => request(signedHeaders('whsec_attacker_000000')),
      ],
      [
        'a body changed by one byte after signing',
        () => {
          const tampered = Buffer.from(BODY);
          tampered[tampered.length - 3] ^= 0x01;
          return request(signedHeaders(NEW_SECRET), tampered);
        },
      ],
      [
        'a signature over a different timestamp than the one sent',
        () =>
          request({
            'X-Shopimind-Signature': signShopimindPayload(NEW_SECRET, NOW_SECONDS - 10, BODY),
            'X-Shopimind-Timestamp': String(NOW_SECONDS),
          }),
      ],
      ['a request without a raw body', () => ({ ...request(signedHeaders(NEW_SECRET)), rawBody: undefined })],
    ])('refuses %s with a bare 401 {success:false, error:"unauthorized"}', async (_label, build) => {
      const req = build();

      expect(await refusal(req)).toEqual({
        status: HttpStatus.UNAUTHORIZED,
        body: { success: false, error: 'unauthorized' },
      });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(signatures.claims).toEqual([]);
      expect(req[SHOPIMIND_CALLER_PROPERTY]).toBeUndefined();
    });

    it('verifies the raw bytes, not a re-serialization of the JSON', async () => {
      // Same JSON value, different bytes: only the bytes ShopiMind signed are valid.
      const reformatted = Buffer.from(JSON.stringify(JSON.parse(BODY.toString()), null, 2));
      expect((await refusal(request(signedHeaders(NEW_SECRET), reformatted))).status).toBe(401);
    });

    it('logs the reason and the path but never a secret, the signature or the body', async () => {
      const headers = signedHeaders(OLD_SECRET, NOW_SECONDS - 1000);
      await refusal(request(headers));
      const logged = warn.mock.calls.flat().map(String).join('\n');
      expect(logged).toContain('/webhook/receive');
      expect(logged).toContain('stale');
      for (const secret of [OLD_SECRET, NEW_SECRET, headers['X-Shopimind-Signature'], 'spm_tok']) {
        expect(logged).not.toContain(secret);
      }
    });

    it('turns a failing signature store into an error (a 5xx ShopiMind retries), not a 401', async () => {
      signatures.failWith = new Error('connection terminated');

      await expect(guard.canActivate(contextFor(request(signedHeaders(NEW_SECRET))))).rejects.toBe(
        signatures.failWith,
      );
    });
  });

  describe('replays', () => {
    /** Accepts the request and keeps `body` as its answer, as the outcome interceptor does. */
    async function answered(headers: Record<string, string>, body: { success: true } | null): Promise<void> {
      await guard.canActivate(contextFor(request(headers)));
      await signatures.recordAnswer(headers['X-Shopimind-Signature'], 'POST /webhook/receive', {
        status: 200,
        body,
      });
    }

    it('hands an exact resend of an answered request its first answer', async () => {
      await answered(signedHeaders(NEW_SECRET), { success: true });
      const resend = request(signedHeaders(NEW_SECRET));

      await expect(guard.canActivate(contextFor(resend))).resolves.toBe(true);
      expect(resend[SHOPIMIND_CALLER_PROPERTY]).toMatchObject({
        firstAnswer: { status: 200, body: { success: true } },
      });
    });

    it('refuses with a bare 401 the resend of a request whose answer was not kept', async () => {
      await answered(signedHeaders(NEW_SECRET), null);

      expect(await refusal(request(signedHeaders(NEW_SECRET)))).toEqual({
        status: HttpStatus.UNAUTHORIZED,
        body: { success: false, error: 'unauthorized' },
      });
      expect(warn.mock.calls.flat().map(String).join('\n')).toContain('replayed');
    });

    it('finds the first answer of a signature re-sent in upper-case hex', async () => {
      const headers = signedHeaders(NEW_SECRET);
      await answered(headers, null);
      headers['X-Shopimind-Signature'] = headers['X-Shopimind-Signature'].toUpperCase();

      expect((await refusal(request(headers))).status).toBe(401);
    });

    it('lets a resend take over a claim whose processing lease ran out', async () => {
      await guard.canActivate(contextFor(request(signedHeaders(NEW_SECRET))));
      nowMs += SIGNATURE_PROCESSING_LEASE_MS;
      const resend = request(signedHeaders(NEW_SECRET));

      await expect(guard.canActivate(contextFor(resend))).resolves.toBe(true);
      expect(resend[SHOPIMIND_CALLER_PROPERTY]).not.toHaveProperty('firstAnswer');
    });

    it('answers 503 to a resend whose first request is still processed when the bounded wait ends', async () => {
      jest.useFakeTimers({ doNotFake: ['Date'] });
      try {
        await guard.canActivate(contextFor(request(signedHeaders(NEW_SECRET))));
        // The clock is held still: the first request's lease never runs out.
        const refused = refusal(request(signedHeaders(NEW_SECRET)));
        await jest.advanceTimersByTimeAsync(SIGNATURE_PROCESSING_LEASE_MS + RESEND_POLL_INTERVAL_MS);

        expect(await refused).toEqual({
          status: HttpStatus.SERVICE_UNAVAILABLE,
          body: { success: false, error: 'in_progress' },
        });
      } finally {
        jest.useRealTimers();
      }
    });

    it('accepts the same request again once its signature was released', async () => {
      const first = request(signedHeaders(NEW_SECRET));
      await guard.canActivate(contextFor(first));
      await signatures.release(signShopimindPayload(NEW_SECRET, NOW_SECONDS, BODY), 'POST /webhook/receive');

      await expect(guard.canActivate(contextFor(request(signedHeaders(NEW_SECRET))))).resolves.toBe(true);
    });

    it('accepts a new request with the same body and a new timestamp', async () => {
      await guard.canActivate(contextFor(request(signedHeaders(NEW_SECRET, NOW_SECONDS - 2))));

      await expect(guard.canActivate(contextFor(request(signedHeaders(NEW_SECRET))))).resolves.toBe(true);
    });

    it('keeps a signature claimed until its timestamp is out of the window plus the future margin', async () => {
      await guard.canActivate(contextFor(request(signedHeaders(NEW_SECRET, NOW_SECONDS - 10))));

      expect(signatures.claims).toEqual([
        {
          signature: signShopimindPayload(NEW_SECRET, NOW_SECONDS - 10, BODY),
          route: 'POST /webhook/receive',
          expiresAt: new Date((NOW_SECONDS - 10 + 300 + 60) * 1000),
        },
      ]);
    });

    it('accepts one signed body on another route: the URL is not signed, so that is another request', async () => {
      await guard.canActivate(contextFor(request(signedHeaders(NEW_SECRET))));
      const elsewhere = { ...request(signedHeaders(NEW_SECRET)), path: '/webhook/test-connection' };

      await expect(guard.canActivate(contextFor(elsewhere))).resolves.toBe(true);
    });

    it('purges the expired signatures at most once per interval', async () => {
      await guard.canActivate(contextFor(request(signedHeaders(NEW_SECRET, NOW_SECONDS - 1))));
      await guard.canActivate(contextFor(request(signedHeaders(NEW_SECRET, NOW_SECONDS - 2))));
      nowMs += SIGNATURE_PURGE_INTERVAL_MS;
      await guard.canActivate(contextFor(request(signedHeaders(NEW_SECRET, NOW_SECONDS + 30))));

      expect(signatures.purges).toEqual([new Date(NOW_SECONDS * 1000 + 999), new Date(nowMs)]);
    });

    it('still accepts the request when the purge fails', async () => {
      const purgeExpired = jest
        .spyOn(signatures, 'purgeExpired')
        .mockRejectedValue(new Error('connection terminated'));

      await expect(guard.canActivate(contextFor(request(signedHeaders(NEW_SECRET))))).resolves.toBe(true);
      expect(purgeExpired).toHaveBeenCalledTimes(1);
    });
  });

  describe('rate limit', () => {
    beforeEach(() => {
      boot({ ...baseOptions, shopimindRateLimit: { limit: 2, windowMs: 60_000 } });
    });

    it('answers 429 with Retry-After over the limit of signed requests, before any database work', async () => {
      await guard.canActivate(contextFor(request(signedHeaders(NEW_SECRET, NOW_SECONDS - 1))));
      await guard.canActivate(contextFor(request(signedHeaders(NEW_SECRET, NOW_SECONDS - 2))));
      const res = response();

      expect(await refusal(request(signedHeaders(NEW_SECRET)), res)).toEqual({
        status: HttpStatus.TOO_MANY_REQUESTS,
        body: { success: false, error: 'rate_limited' },
      });
      expect(res.headers['Retry-After']).toBe('60');
      expect(signatures.claims).toHaveLength(2);
    });

    it('lets requests failing the signature spend their own budget, never that of signed ones', async () => {
      const statuses = [];
      for (let attempt = 0; attempt < 4; attempt += 1) {
        statuses.push((await refusal(request({}))).status);
      }

      expect(statuses).toEqual([401, 401, 429, 429]);
      await expect(guard.canActivate(contextFor(request(signedHeaders(NEW_SECRET))))).resolves.toBe(true);
    });

    it('counts each client address on its own', async () => {
      for (const ip of ['198.51.100.1', '198.51.100.1', '198.51.100.2']) {
        await refusal(request({}, BODY, ip));
      }

      expect((await refusal(request({}, BODY, '198.51.100.1'))).status).toBe(429);
      expect((await refusal(request({}, BODY, '198.51.100.2'))).status).toBe(401);
    });
  });
});
