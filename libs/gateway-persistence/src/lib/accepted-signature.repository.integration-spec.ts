import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { openDataSource, truncateTables } from '@storebridge/persistence/testing';
import { AcceptedSignatureEntity } from '@storebridge/persistence';
import { AcceptedSignatureRepository } from './accepted-signature.repository';

const RECEIVE = 'POST /webhook/receive';
const aSignature = () => randomBytes(32).toString('hex');
const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000);

describe('AcceptedSignatureRepository', () => {
  let dataSource: DataSource;
  let signatures: AcceptedSignatureRepository;

  beforeAll(async () => {
    dataSource = await openDataSource();
    signatures = new AcceptedSignatureRepository(dataSource.getRepository(AcceptedSignatureEntity));
  });

  beforeEach(() => truncateTables(dataSource));

  afterAll(() => dataSource.destroy());

  it('claims a new signature once: a second claim is a replay', async () => {
    const signature = aSignature();

    expect(await signatures.claim(signature, RECEIVE, inSeconds(360))).toBe(true);
    expect(await signatures.claim(signature, RECEIVE, inSeconds(360))).toBe(false);
    expect(await signatures.claim(aSignature(), RECEIVE, inSeconds(360))).toBe(true);
  });

  it('keeps one signature apart per route', async () => {
    const signature = aSignature();
    await signatures.claim(
      signature,
      'POST /webhook/remote-data/:resource?resource=products',
      inSeconds(360),
    );

    expect(
      await signatures.claim(
        signature,
        'POST /webhook/remote-data/:resource?resource=categories',
        inSeconds(360),
      ),
    ).toBe(true);
    expect(
      await signatures.claim(
        signature,
        'POST /webhook/remote-data/:resource?resource=products',
        inSeconds(360),
      ),
    ).toBe(false);
  });

  it('lets exactly one of several concurrent claims of the same signature win', async () => {
    const signature = aSignature();

    const outcomes = await Promise.all(
      [1, 2, 3, 4, 5].map(() => signatures.claim(signature, RECEIVE, inSeconds(360))),
    );

    expect(outcomes.filter(Boolean)).toHaveLength(1);
  });

  it('accepts a released signature again', async () => {
    const signature = aSignature();
    await signatures.claim(signature, RECEIVE, inSeconds(360));

    expect(await signatures.release(signature, 'POST /webhook/test-connection')).toBe(false);
    expect(await signatures.release(signature, RECEIVE)).toBe(true);
    expect(await signatures.release(signature, RECEIVE)).toBe(false);
    expect(await signatures.claim(signature, RECEIVE, inSeconds(360))).toBe(true);
    expect(await signatures.claim(signature, RECEIVE, inSeconds(360))).toBe(false);
  });

  it('lets an expired signature be claimed again, with its new expiry', async () => {
    const signature = aSignature();
    await signatures.claim(signature, RECEIVE, inSeconds(-1));
    const renewed = inSeconds(360);

    expect(await signatures.claim(signature, RECEIVE, renewed)).toBe(true);
    const row = await dataSource.getRepository(AcceptedSignatureEntity).findOneByOrFail({ signature });
    expect(row.expiresAt.getTime()).toBe(renewed.getTime());
    expect(await signatures.claim(signature, RECEIVE, inSeconds(360))).toBe(false);
  });

  it('purges the expired signatures only', async () => {
    const [expired, expiring, alive] = [aSignature(), aSignature(), aSignature()];
    const now = new Date();
    await signatures.claim(expired, RECEIVE, new Date(now.getTime() - 60_000));
    await signatures.claim(expiring, RECEIVE, now);
    await signatures.claim(alive, RECEIVE, new Date(now.getTime() + 60_000));

    expect(await signatures.purgeExpired(now)).toBe(2);
    expect(await signatures.purgeExpired(now)).toBe(0);
    const left = await dataSource.getRepository(AcceptedSignatureEntity).find();
    expect(left.map((row) => row.signature)).toEqual([alive]);
  });
});
