import { CallHandler, ExecutionContext, Logger } from '@nestjs/common';
import { firstValueFrom, Observable, of, throwError } from 'rxjs';
import { InMemoryAcceptedSignatures } from './accepted-signatures.fake';
import { SHOPIMIND_CALLER_PROPERTY, type ShopimindCaller } from './shopimind-caller';
import { SignatureReleaseInterceptor } from './signature-release.interceptor';

const CALLER: ShopimindCaller = {
  signature: 'ab'.repeat(32),
  route: 'POST /webhook/receive',
  timestamp: 1_800_000_000,
};

function httpContext(request: object): ExecutionContext {
  return {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

const answering = (value: unknown): CallHandler => ({ handle: () => of(value) });
const failing = (error: unknown): CallHandler => ({ handle: () => throwError(() => error) });

describe('SignatureReleaseInterceptor', () => {
  let signatures: InMemoryAcceptedSignatures;
  let interceptor: SignatureReleaseInterceptor;

  beforeEach(async () => {
    signatures = new InMemoryAcceptedSignatures();
    await signatures.claim(CALLER.signature, CALLER.route, new Date(Date.now() + 60_000));
    interceptor = new SignatureReleaseInterceptor(signatures.asRepository());
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  const run = (request: object, next: CallHandler): Promise<unknown> =>
    firstValueFrom(interceptor.intercept(httpContext(request), next) as Observable<unknown>);

  it('releases the signature of a request whose handler threw, then lets the error through', async () => {
    const crash = new Error('store unreachable');

    await expect(run({ [SHOPIMIND_CALLER_PROPERTY]: CALLER }, failing(crash))).rejects.toBe(crash);
    expect(signatures.releases).toEqual([{ signature: CALLER.signature, route: CALLER.route }]);
    expect(await signatures.claim(CALLER.signature, CALLER.route, new Date(Date.now() + 60_000))).toBe(true);
  });

  it.each([
    ['a success', { success: true }],
    ['a processed failure', { success: false, error: 'unknown_installation' }],
  ])('keeps the signature of a request answered with %s', async (_label, answer) => {
    await expect(run({ [SHOPIMIND_CALLER_PROPERTY]: CALLER }, answering(answer))).resolves.toEqual(answer);
    expect(signatures.releases).toEqual([]);
  });

  it('leaves requests without a ShopiMind caller alone', async () => {
    const crash = new Error('boom');

    await expect(run({}, failing(crash))).rejects.toBe(crash);
    expect(signatures.releases).toEqual([]);
  });

  it('still reports the original error when the release itself fails', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const crash = new Error('store unreachable');
    signatures.failWith = new Error('database down');

    await expect(run({ [SHOPIMIND_CALLER_PROPERTY]: CALLER }, failing(crash))).rejects.toBe(crash);
    expect(String(logged.mock.calls[0][0])).toContain('database down');
  });
});
