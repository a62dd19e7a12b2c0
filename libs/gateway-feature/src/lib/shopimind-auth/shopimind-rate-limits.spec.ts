import { HttpException, Logger } from '@nestjs/common';
import type { Request } from 'express';
import { DEFAULT_SHOPIMIND_RATE_LIMIT, type GatewayFeatureOptions } from '../gateway-feature.options';
import { ShopimindRateLimits, type ShopimindBudget } from './shopimind-rate-limits';

const options: GatewayFeatureOptions = {
  webhookSecrets: ['whsec_0123456789abcdef'],
  signatureMaxAgeSeconds: 300,
  allowPrivateStoreUrls: false,
};

function requestFrom(ip: string | undefined, headers: Record<string, string> = {}): Request {
  const res = { setHeader: (name: string, value: string) => (headers[name] = value) };
  return { ip, socket: { remoteAddress: '192.0.2.99' }, res } as unknown as Request;
}

function statusOf(limits: ShopimindRateLimits, request: Request, budget: ShopimindBudget = 'signed'): number {
  try {
    limits.admit(request, budget);
    return 200;
  } catch (error) {
    return (error as HttpException).getStatus();
  }
}

describe('ShopimindRateLimits', () => {
  let warn: jest.SpyInstance;

  beforeEach(() => {
    jest.spyOn(Date, 'now').mockReturnValue(1_800_000_000_000);
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('uses the generous default when no limit is configured', () => {
    const limits = new ShopimindRateLimits(options);
    const statuses = Array.from({ length: DEFAULT_SHOPIMIND_RATE_LIMIT.limit + 1 }, () =>
      statusOf(limits, requestFrom('203.0.113.1')),
    );

    expect(statuses.filter((status) => status === 200)).toHaveLength(DEFAULT_SHOPIMIND_RATE_LIMIT.limit);
    expect(statuses.at(-1)).toBe(429);
  });

  it('answers {success:false, error:"rate_limited"} with Retry-After, and logs once per window', () => {
    const limits = new ShopimindRateLimits({
      ...options,
      shopimindRateLimit: { limit: 1, windowMs: 30_000 },
    });
    limits.admit(requestFrom('203.0.113.1'), 'signed');
    const headers: Record<string, string> = {};

    let refusal: unknown;
    try {
      limits.admit(requestFrom('203.0.113.1', headers), 'signed');
    } catch (error) {
      refusal = error;
    }
    statusOf(limits, requestFrom('203.0.113.1'));

    expect(refusal).toBeInstanceOf(HttpException);
    expect((refusal as HttpException).getResponse()).toEqual({ success: false, error: 'rate_limited' });
    expect(headers).toEqual({ 'Retry-After': '30' });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain('203.0.113.1');
  });

  it('keeps the budgets of signed and unverified requests of one address apart', () => {
    const limits = new ShopimindRateLimits({
      ...options,
      shopimindRateLimit: { limit: 2, windowMs: 30_000 },
    });
    const stranger = requestFrom('203.0.113.1');

    expect([1, 2, 3].map(() => statusOf(limits, stranger, 'unverified'))).toEqual([200, 200, 429]);
    expect(statusOf(limits, requestFrom('203.0.113.1'), 'signed')).toBe(200);
  });

  it("falls back to the socket's address when Express gives no ip", () => {
    const limits = new ShopimindRateLimits({
      ...options,
      shopimindRateLimit: { limit: 1, windowMs: 30_000 },
    });
    limits.admit(requestFrom(undefined), 'signed');

    expect(statusOf(limits, requestFrom('192.0.2.99'))).toBe(429);
  });
});
