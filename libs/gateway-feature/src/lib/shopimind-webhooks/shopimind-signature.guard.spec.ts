import { ExecutionContext, Logger, UnauthorizedException } from '@nestjs/common';
import { signShopimindPayload } from '@storebridge/security';
import type { GatewayFeatureOptions } from '../gateway-feature.options';
import { ShopimindSignatureGuard } from './shopimind-signature.guard';

const OLD_SECRET = 'whsec_old_rotating_0123456789';
const NEW_SECRET = 'whsec_new_current_9876543210';
const NOW_SECONDS = 1_800_000_000;
const BODY = Buffer.from('{"event":"install","installation_id":"inst_1","access_token":"spm_tok"}');

const options: GatewayFeatureOptions = {
  webhookSecrets: [OLD_SECRET, NEW_SECRET],
  signatureMaxAgeSeconds: 300,
  allowPrivateStoreUrls: false,
};

interface FakeRequest {
  path: string;
  rawBody?: Buffer;
  header(name: string): string | undefined;
}

/** An Express-like request: `header()` is case-insensitive, as in Express. */
function request(headers: Record<string, string | undefined>, rawBody: Buffer = BODY): FakeRequest {
  const lowerCased = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return { path: '/webhook/receive', rawBody, header: (name) => lowerCased[name.toLowerCase()] };
}

function contextFor(req: FakeRequest): ExecutionContext {
  return { switchToHttp: () => ({ getRequest: () => req }) } as unknown as ExecutionContext;
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

/** Runs the guard and returns the 401's response body, or fails when the request was let through. */
function refusal(guard: ShopimindSignatureGuard, req: FakeRequest): unknown {
  try {
    guard.canActivate(contextFor(req));
  } catch (error) {
    expect(error).toBeInstanceOf(UnauthorizedException);
    return (error as UnauthorizedException).getResponse();
  }
  throw new Error('expected the guard to refuse the request');
}

describe('ShopimindSignatureGuard', () => {
  let guard: ShopimindSignatureGuard;
  let warn: jest.SpyInstance;

  beforeEach(() => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW_SECONDS * 1000 + 999);
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    guard = new ShopimindSignatureGuard(options);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it.each([
    ['the old secret', OLD_SECRET],
    ['the new secret', NEW_SECRET],
  ])('lets through a request signed with %s of the rotation', (_label, secret) => {
    expect(guard.canActivate(contextFor(request(signedHeaders(secret))))).toBe(true);
    expect(warn).not.toHaveBeenCalled();
  });

  it('accepts a timestamp exactly at the edge of the 300 s window', () => {
    const req = request(signedHeaders(NEW_SECRET, NOW_SECONDS - 300));
    expect(guard.canActivate(contextFor(req))).toBe(true);
  });

  it('accepts a signature sent in upper-case hex', () => {
    const headers = signedHeaders(NEW_SECRET);
    headers['X-Shopimind-Signature'] = headers['X-Shopimind-Signature'].toUpperCase();
    expect(guard.canActivate(contextFor(request(headers)))).toBe(true);
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
  ])('refuses %s with a bare 401 {success:false, error:"unauthorized"}', (_label, build) => {
    expect(refusal(guard, build())).toEqual({ success: false, error: 'unauthorized' });
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('verifies the raw bytes, not a re-serialization of the JSON', () => {
    // Same JSON value, different bytes: only the bytes ShopiMind signed are valid.
    const reformatted = Buffer.from(JSON.stringify(JSON.parse(BODY.toString()), null, 2));
    expect(refusal(guard, request(signedHeaders(NEW_SECRET), reformatted))).toEqual({
      success: false,
      error: 'unauthorized',
    });
  });

  it('logs the reason and the path but never a secret, the signature or the body', () => {
    const headers = signedHeaders(OLD_SECRET, NOW_SECONDS - 1000);
    refusal(guard, request(headers));
    const logged = warn.mock.calls.flat().map(String).join('\n');
    expect(logged).toContain('/webhook/receive');
    expect(logged).toContain('stale');
    for (const secret of [OLD_SECRET, NEW_SECRET, headers['X-Shopimind-Signature'], 'spm_tok']) {
      expect(logged).not.toContain(secret);
    }
  });
});
