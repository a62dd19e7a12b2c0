import { CredentialCipher } from '@storebridge/security';
import { MERCHANT_LINK_VALIDITY_SECONDS, MerchantLinks } from './merchant-links';

const NOW = 1_800_000_000;
const CONNECTION_ID = '6f1c2a0e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';

function queryOf(link: string): { path: string; expires: string | null; sig: string | null } {
  const url = new URL(link, 'http://relative.invalid');
  return { path: url.pathname, expires: url.searchParams.get('expires'), sig: url.searchParams.get('sig') };
}

describe('MerchantLinks', () => {
  const links = new MerchantLinks(new CredentialCipher('ab'.repeat(32)));

  it('links to the connection page, signed, expiring 7 days later', () => {
    const link = links.linkFor('https://gateway.example.com', CONNECTION_ID, NOW);

    expect(link.startsWith(`https://gateway.example.com/merchant/connections/${CONNECTION_ID}?`)).toBe(true);
    const { expires, sig } = queryOf(link);
    expect(Number(expires)).toBe(NOW + 7 * 24 * 3600);
    expect(MERCHANT_LINK_VALIDITY_SECONDS).toBe(7 * 24 * 3600);
    expect(sig).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives a path when our address is unknown', () => {
    expect(queryOf(links.linkFor('', CONNECTION_ID, NOW)).path).toBe(
      `/merchant/connections/${CONNECTION_ID}`,
    );
  });

  it('accepts its link for 7 days, then says it expired', () => {
    const { expires, sig } = queryOf(links.linkFor('', CONNECTION_ID, NOW));

    expect(links.check(CONNECTION_ID, expires, sig, NOW)).toBe('valid');
    expect(links.check(CONNECTION_ID, expires, sig, NOW + MERCHANT_LINK_VALIDITY_SECONDS)).toBe('valid');
    expect(links.check(CONNECTION_ID, expires, sig, NOW + MERCHANT_LINK_VALIDITY_SECONDS + 1)).toBe(
      'expired',
    );
  });

  it('refuses the signature of one connection on another, and a stretched expiry', () => {
    const { expires, sig } = queryOf(links.linkFor('', CONNECTION_ID, NOW));

    expect(links.check('00000000-0000-4000-8000-000000000000', expires, sig, NOW)).toBe('invalid');
    expect(links.check(CONNECTION_ID, String(Number(expires) + 3600), sig, NOW)).toBe('invalid');
  });

  it('signs with a key of its own: another CREDENTIALS_KEY cannot forge or check the link', () => {
    const other = new MerchantLinks(new CredentialCipher('cd'.repeat(32)));
    const { expires, sig } = queryOf(other.linkFor('', CONNECTION_ID, NOW));

    expect(links.check(CONNECTION_ID, expires, sig, NOW)).toBe('invalid');
  });
});
