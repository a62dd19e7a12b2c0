import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { openDataSource, truncateTables } from '@storebridge/persistence/testing';
import { AcceptedSignatureEntity } from '@storebridge/persistence';
import { AcceptedSignatureRepository } from './accepted-signature.repository';

const RECEIVE = 'POST /webhook/receive';
const aSignature = () => randomBytes(32).toString('hex');
const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000);
const CLAIMED = { kind: 'claimed' };
const IN_PROGRESS = { kind: 'in_progress' };

describe('AcceptedSignatureRepository', () => {
  let dataSource: DataSource;
  let signatures: AcceptedSignatureRepository;

  beforeAll(async () => {
    dataSource = await openDataSource();
    signatures = new AcceptedSignatureRepository(dataSource.getRepository(AcceptedSignatureEntity));
  });

  beforeEach(() => truncateTables(dataSource));

  afterAll(() => dataSource.destroy());

  it('claims a new signature once: a second claim finds it in progress', async () => {
    const signature = aSignature();

    expect(await signatures.claim(signature, RECEIVE, inSeconds(360), inSeconds(20))).toEqual(CLAIMED);
    expect(await signatures.claim(signature, RECEIVE, inSeconds(360), inSeconds(20))).toEqual(IN_PROGRESS);
    expect(await signatures.claim(aSignature(), RECEIVE, inSeconds(360), inSeconds(20))).toEqual(CLAIMED);
  });

  it('keeps one signature apart per route', async () => {
    const signature = aSignature();
    await signatures.claim(
      signature,
      'POST /webhook/remote-data/:resource?resource=products',
      inSeconds(360),
      inSeconds(20),
    );

    expect(
      await signatures.claim(
        signature,
        'POST /webhook/remote-data/:resource?resource=categories',
        inSeconds(360),
        inSeconds(20),
      ),
    ).toEqual(CLAIMED);
    expect(
      await signatures.claim(
        signature,
        'POST /webhook/remote-data/:resource?resource=products',
        inSeconds(360),
        inSeconds(20),
      ),
    ).toEqual(IN_PROGRESS);
  });

  it('lets exactly one of several concurrent claims of the same signature win', async () => {
    const signature = aSignature();

    const outcomes = await Promise.all(
      [1, 2, 3, 4, 5].map(() => signatures.claim(signature, RECEIVE, inSeconds(360), inSeconds(20))),
    );

    expect(outcomes.filter((outcome) => outcome.kind === 'claimed')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.kind === 'in_progress')).toHaveLength(4);
  });

  it('accepts a released signature again', async () => {
    const signature = aSignature();
    await signatures.claim(signature, RECEIVE, inSeconds(360), inSeconds(20));

    expect(await signatures.release(signature, 'POST /webhook/test-connection')).toBe(false);
    expect(await signatures.release(signature, RECEIVE)).toBe(true);
    expect(await signatures.release(signature, RECEIVE)).toBe(false);
    expect(await signatures.claim(signature, RECEIVE, inSeconds(360), inSeconds(20))).toEqual(CLAIMED);
    expect(await signatures.claim(signature, RECEIVE, inSeconds(360), inSeconds(20))).toEqual(IN_PROGRESS);
  });

  it('lets an expired signature be claimed again, with its new expiry', async () => {
    const signature = aSignature();
    await signatures.claim(signature, RECEIVE, inSeconds(-1), inSeconds(20));
    const renewed = inSeconds(360);

    expect(await signatures.claim(signature, RECEIVE, renewed, inSeconds(20))).toEqual(CLAIMED);
    const row = await dataSource.getRepository(AcceptedSignatureEntity).findOneByOrFail({ signature });
    expect(row.expiresAt.getTime()).toBe(renewed.getTime());
    expect(await signatures.claim(signature, RECEIVE, inSeconds(360), inSeconds(20))).toEqual(IN_PROGRESS);
  });

  it('purges the expired signatures only', async () => {
    const [expired, expiring, alive] = [aSignature(), aSignature(), aSignature()];
    const now = new Date();
    await signatures.claim(expired, RECEIVE, new Date(now.getTime() - 60_000), inSeconds(20));
    await signatures.claim(expiring, RECEIVE, now, inSeconds(20));
    await signatures.claim(alive, RECEIVE, new Date(now.getTime() + 60_000), inSeconds(20));

    expect(await signatures.purgeExpired(now)).toBe(2);
    expect(await signatures.purgeExpired(now)).toBe(0);
    const left = await dataSource.getRepository(AcceptedSignatureEntity).find();
    expect(left.map((row) => row.signature)).toEqual([alive]);
  });
  it('answers a claim of an answered signature with its answer, status and JSON body', async () => {
    const signature = aSignature();
    await signatures.claim(signature, RECEIVE, inSeconds(360), inSeconds(20));
    const answer = { status: 200, body: { success: false as const, error: 'unknown_installation' } };

    expect(await signatures.recordAnswer(signature, RECEIVE, answer)).toBe(true);
    expect(await signatures.claim(signature, RECEIVE, inSeconds(360), inSeconds(20))).toEqual({
      kind: 'answered',
      answer,
    });
    expect(await signatures.recordAnswer(aSignature(), RECEIVE, answer)).toBe(false);
  });

  it('tells an answer that was not kept apart from one in progress', async () => {
    const signature = aSignature();
    await signatures.claim(signature, RECEIVE, inSeconds(360), inSeconds(20));
    await signatures.recordAnswer(signature, RECEIVE, { status: 200, body: null });

    expect(await signatures.claim(signature, RECEIVE, inSeconds(360), inSeconds(20))).toEqual({
      kind: 'answered',
      answer: { status: 200, body: null },
    });
  });

  it('lets a claim take over one whose processing lease ran out without an answer, never an answered one', async () => {
    const [dead, answered] = [aSignature(), aSignature()];
    await signatures.claim(dead, RECEIVE, inSeconds(360), inSeconds(-1));
    await signatures.claim(answered, RECEIVE, inSeconds(360), inSeconds(-1));
    await signatures.recordAnswer(answered, RECEIVE, { status: 200, body: { success: true } });

    expect(await signatures.claim(dead, RECEIVE, inSeconds(360), inSeconds(20))).toEqual(CLAIMED);
    expect(await signatures.claim(dead, RECEIVE, inSeconds(360), inSeconds(20))).toEqual(IN_PROGRESS);
    expect(await signatures.claim(answered, RECEIVE, inSeconds(360), inSeconds(20))).toEqual({
      kind: 'answered',
      answer: { status: 200, body: { success: true } },
    });
  });

  it('answers every concurrent resend of an answered request with the same answer', async () => {
    const signature = aSignature();
    await signatures.claim(signature, RECEIVE, inSeconds(360), inSeconds(20));
    await signatures.recordAnswer(signature, RECEIVE, { status: 200, body: { success: true } });

    const outcomes = await Promise.all(
      [1, 2, 3, 4].map(() => signatures.claim(signature, RECEIVE, inSeconds(360), inSeconds(20))),
    );

    expect(new Set(outcomes.map((outcome) => JSON.stringify(outcome)))).toEqual(
      new Set([JSON.stringify({ kind: 'answered', answer: { status: 200, body: { success: true } } })]),
    );
  });

  it('clears the answer when an expired signature is claimed again', async () => {
    const signature = aSignature();
    await signatures.claim(signature, RECEIVE, inSeconds(-1), inSeconds(20));
    await signatures.recordAnswer(signature, RECEIVE, { status: 200, body: { success: true } });

    expect(await signatures.claim(signature, RECEIVE, inSeconds(360), inSeconds(20))).toEqual(CLAIMED);
    expect(await signatures.claim(signature, RECEIVE, inSeconds(360), inSeconds(20))).toEqual(IN_PROGRESS);
  });
});
