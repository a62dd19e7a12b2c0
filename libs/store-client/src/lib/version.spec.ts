import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_USER_AGENT, STOREBRIDGE_VERSION } from './version';

describe('STOREBRIDGE_VERSION', () => {
  it('matches the root package.json version', () => {
    const pkg: unknown = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8'));
    expect(pkg).toEqual(expect.objectContaining({ version: STOREBRIDGE_VERSION }));
  });

  it('is named in the default User-Agent', () => {
    expect(DEFAULT_USER_AGENT).toBe(`storebridge/${STOREBRIDGE_VERSION} (+ShopiMind integration)`);
  });
});
