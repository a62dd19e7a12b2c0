import { CallHandler, ExecutionContext, HttpCode, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import fc from 'fast-check';
import { firstValueFrom, Observable, of, throwError } from 'rxjs';
import { InMemoryAcceptedSignatures } from './accepted-signatures.fake';
import { SHOPIMIND_CALLER_PROPERTY, type ShopimindCaller } from './shopimind-caller';
import { keptAnswerBodyOf, SignatureOutcomeInterceptor } from './signature-outcome.interceptor';

const CALLER: ShopimindCaller = {
  signature: 'ab'.repeat(32),
  route: 'POST /webhook/receive',
  timestamp: 1_800_000_000,
};

class Routes {
  @HttpCode(200)
  receive(): void {
    return undefined;
  }
}

function httpContext(request: object): ExecutionContext {
  return {
    getType: () => 'http',
    getHandler: () => Routes.prototype.receive,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

const answering = (value: unknown): CallHandler => ({ handle: () => of(value) });
const failing = (error: unknown): CallHandler => ({ handle: () => throwError(() => error) });
const inAMinute = () => new Date(Date.now() + 60_000);

describe('SignatureOutcomeInterceptor', () => {
  let signatures: InMemoryAcceptedSignatures;
  let interceptor: SignatureOutcomeInterceptor;

  beforeEach(async () => {
    signatures = new InMemoryAcceptedSignatures();
    await signatures.claim(CALLER.signature, CALLER.route, inAMinute(), inAMinute());
    interceptor = new SignatureOutcomeInterceptor(signatures.asRepository(), new Reflector());
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
    expect(signatures.answers).toEqual([]);
    expect(await signatures.claim(CALLER.signature, CALLER.route, inAMinute(), inAMinute())).toEqual({
      kind: 'claimed',
    });
  });

  it.each([
    ['a success', { success: true }],
    ['a processed failure', { success: false, error: 'unknown_installation' }],
  ])('keeps %s with the signature, with the route status, for resends', async (_label, answer) => {
    await expect(run({ [SHOPIMIND_CALLER_PROPERTY]: CALLER }, answering(answer))).resolves.toEqual(answer);

    expect(signatures.releases).toEqual([]);
    expect(await signatures.claim(CALLER.signature, CALLER.route, inAMinute(), inAMinute())).toEqual({
      kind: 'answered',
      answer: { status: 200, body: answer },
    });
  });

  it('answers a resend with the first answer without calling the handler', async () => {
    const handle = jest.fn(() => of({ success: false, error: 'would run again' }));
    const resend = { ...CALLER, firstAnswer: { status: 200, body: { success: true as const } } };

    await expect(run({ [SHOPIMIND_CALLER_PROPERTY]: resend }, { handle })).resolves.toEqual({
      success: true,
    });
    expect(handle).not.toHaveBeenCalled();
    expect(signatures.answers).toEqual([]);
  });

  it('keeps no body of another shape than {success, error}: remote-data options hold store tokens', async () => {
    const options = {
      data: [{ value: 'https://gw.example.com/hooks/secret-store-token', label: 'products' }],
    };

    await expect(run({ [SHOPIMIND_CALLER_PROPERTY]: CALLER }, answering(options))).resolves.toEqual(options);
    expect(signatures.answers).toEqual([
      { signature: CALLER.signature, route: CALLER.route, answer: { status: 200, body: null } },
    ]);
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

  it('still sends the answer when keeping it fails', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    signatures.failWith = new Error('database down');

    await expect(run({ [SHOPIMIND_CALLER_PROPERTY]: CALLER }, answering({ success: true }))).resolves.toEqual(
      {
        success: true,
      },
    );
    expect(String(logged.mock.calls[0][0])).toContain('database down');
  });
});

describe('keptAnswerBodyOf', () => {
  it('keeps only `success` and a string `error`, whatever else an answer holds', () => {
    fc.assert(
      fc.property(fc.object(), fc.boolean(), fc.string(), (extra, success, error) => {
        const kept = keptAnswerBodyOf({ ...extra, access_token: 'spm_secret', success, error });
        expect(kept).toEqual(success ? { success: true } : { success: false, error });
        expect(JSON.stringify(kept)).not.toContain('spm_secret');
      }),
    );
  });

  it.each([null, 'ok', 42, { data: [] }, { success: 'true' }, { success: false }])(
    'keeps nothing of %j',
    (answer) => {
      expect(keptAnswerBodyOf(answer)).toBeNull();
    },
  );
});
