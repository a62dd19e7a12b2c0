import { randomBytes } from 'node:crypto';
import { DataSource, QueryFailedError } from 'typeorm';
import { openDataSource, truncateTables } from '@storebridge/persistence/testing';
import { OAuthAuthorizationEntity } from '@storebridge/persistence';
import { OAuthAuthorizationRepository, type OAuthAuthorizationInput } from './oauth-authorization.repository';

const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000);

function anAuthorization(overrides: Partial<OAuthAuthorizationInput> = {}): OAuthAuthorizationInput {
  return {
    state: `state_${randomBytes(6).toString('hex')}`,
    redirectUri: 'https://app.shopimind.com/oauth/callback',
    csrfSecret: randomBytes(32).toString('base64url'),
    expiresAt: inMinutes(15),
    ...overrides,
  };
}

describe('OAuthAuthorizationRepository', () => {
  let dataSource: DataSource;
  let authorizations: OAuthAuthorizationRepository;

  beforeAll(async () => {
    dataSource = await openDataSource();
    authorizations = new OAuthAuthorizationRepository(dataSource.getRepository(OAuthAuthorizationEntity));
  });

  beforeEach(() => truncateTables(dataSource));

  afterAll(() => dataSource.destroy());

  it('opens a pending authorization and finds it by id and by state', async () => {
    const input = anAuthorization({ shopName: 'Boutique <Élise>' });

    const created = await authorizations.create(input);

    expect(created).toEqual(
      expect.objectContaining({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        state: input.state,
        redirectUri: input.redirectUri,
        shopName: 'Boutique <Élise>',
        csrfSecret: input.csrfSecret,
        consumedAt: null,
      }),
    );
    expect(created?.expiresAt.getTime()).toBe(input.expiresAt.getTime());
    expect((await authorizations.findById(created?.id ?? ''))?.state).toBe(input.state);
    expect((await authorizations.findByState(input.state))?.id).toBe(created?.id);
  });

  it('answers null instead of a second row for a state it has already seen', async () => {
    const first = await authorizations.create(anAuthorization({ state: 'state_once' }));

    const second = await authorizations.create(anAuthorization({ state: 'state_once' }));

    expect(first).not.toBeNull();
    expect(second).toBeNull();
    expect(await dataSource.getRepository(OAuthAuthorizationEntity).count()).toBe(1);
  });

  it('consumes an authorization exactly once', async () => {
    const created = await authorizations.create(anAuthorization());
    const id = created?.id ?? '';

    const consumed = await authorizations.consume(id);
    const again = await authorizations.consume(id);

    expect(consumed?.consumedAt).toBeInstanceOf(Date);
    expect(again).toBeNull();
  });

  it('lets only one of several concurrent consumptions win', async () => {
    const created = await authorizations.create(anAuthorization());

    const results = await Promise.all(
      Array.from({ length: 5 }, () => authorizations.consume(created?.id ?? '')),
    );

    expect(results.filter((result) => result !== null)).toHaveLength(1);
  });

  it('refuses to consume an expired authorization', async () => {
    const created = await authorizations.create(anAuthorization({ expiresAt: inMinutes(-1) }));

    expect(await authorizations.consume(created?.id ?? '')).toBeNull();
    expect((await authorizations.findById(created?.id ?? ''))?.consumedAt).toBeNull();
  });

  it('answers null when consuming an unknown authorization', async () => {
    expect(await authorizations.consume('00000000-0000-0000-0000-000000000000')).toBeNull();
  });

  it('purges the authorizations expired at the given time, consumed or not, and keeps the pending ones', async () => {
    const now = new Date();
    await authorizations.create(anAuthorization({ state: 'long_expired', expiresAt: inMinutes(-60) }));
    await authorizations.create(anAuthorization({ state: 'expiring_now', expiresAt: now }));
    const consumed = await authorizations.create(anAuthorization({ state: 'consumed' }));
    await authorizations.consume(consumed?.id ?? '');
    await authorizations.create(anAuthorization({ state: 'pending', expiresAt: inMinutes(15) }));

    expect(await authorizations.purgeExpired(now)).toBe(2);
    expect(await authorizations.purgeExpired(now)).toBe(0);
    const left = await dataSource.getRepository(OAuthAuthorizationEntity).find({ order: { state: 'ASC' } });
    expect(left.map((row) => row.state)).toEqual(['consumed', 'pending']);
    expect(await authorizations.purgeExpired(inMinutes(16))).toBe(2);
  });

  it('rejects a second row with the same state (unique constraint)', async () => {
    await authorizations.create(anAuthorization({ state: 'dup' }));

    await expect(
      dataSource.query(
        `INSERT INTO oauth_authorizations (state, redirect_uri, csrf_secret, expires_at) VALUES ('dup', 'x', 'y', now())`,
      ),
    ).rejects.toThrow(QueryFailedError);
  });
});
