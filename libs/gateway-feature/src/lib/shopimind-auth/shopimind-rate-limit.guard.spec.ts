import { ExecutionContext, HttpException, Logger } from '@nestjs/common';
import { DEFAULT_SHOPIMIND_RATE_LIMIT, type GatewayFeatureOptions } from '../gateway-feature.options';
import { ShopimindRateLimitGuard } from './shopimind-rate-limit.guard';

const options: GatewayFeatureOptions = {
  webhookSecrets: ['whsec_0123456789abcdef'],
  signatureMaxAgeSeconds: 300,
  allowPrivateStoreUrls: false,
};

function contextFrom(ip: string | undefined, headers: Record<string, string> = {}): ExecutionContext {
  const req = { ip, socket: { remoteAddress: '192.0.2.99' } };
  const res = { setHeader: (name: string, value: string) => (headers[name] = value) };
  return {
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
  } as unknown as ExecutionContext;
}

function statusOf(guard: ShopimindRateLimitGuard, context: ExecutionContext): number {
  try {
    guard.canActivate(context);
    return 200;
  } catch (error) {
    return (error as HttpException).getStatus();
  }
}

describe('ShopimindRateLimitGuard', () => {
  let warn: jest.SpyInstance;

  beforeEach(() => {
    jest.spyOn(Date, 'now').mockReturnValue(1_800_000_000_000);
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('uses the generous default when no limit is configured', () => {
    const guard = new ShopimindRateLimitGuard(options);
    const statuses = Array.from({ length: DEFAULT_SHOPIMIND_RATE_LIMIT.limit + 1 }, () =>
      statusOf(guard, contextFrom('203.0.113.1')),
    );

    expect(statuses.filter((status) => status === 200)).toHaveLength(DEFAULT_SHOPIMIND_RATE_LIMIT.limit);
    expect(statuses.at(-1)).toBe(429);
  });

  it('answers {success:false, error:"rate_limited"} with Retry-After, and logs once per window', () => {
    const guard = new ShopimindRateLimitGuard({
      ...options,
      shopimindRateLimit: { limit: 1, windowMs: 30_000 },
    });
    guard.canActivate(contextFrom('203.0.113.1'));
    const headers: Record<string, string> = {};

    let refusal: unknown;
    try {
      guard.canActivate(contextFrom('203.0.113.1', headers));
    } catch (error) {
      refusal = error;
    }
    statusOf(guard, contextFrom('203.0.113.1'));

    expect(refusal).toBeInstanceOf(HttpException);
    expect((refusal as HttpException).getResponse()).toEqual({ success: false, error: 'rate_limited' });
    expect(headers).toEqual({ 'Retry-After': '30' });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain('203.0.113.1');
  });

  it("falls back to the socket's address when Express gives no ip", () => {
    const guard = new ShopimindRateLimitGuard({
      ...options,
      shopimindRateLimit: { limit: 1, windowMs: 30_000 },
    });
    guard.canActivate(contextFrom(undefined));

    expect(statusOf(guard, contextFrom('192.0.2.99'))).toBe(429);
  });
});
