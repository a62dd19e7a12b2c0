import { FIRST_CANDIDATE_ID, hashedIdCandidate } from './id-mapping.repository';

describe('hashedIdCandidate', () => {
  const installationId = '0b7f6c2e-3f4a-4b8e-9a51-6f0d2c9e1a11';

  it('gives the same inputs the same number, whenever asked', () => {
    expect(hashedIdCandidate(installationId, 'product', 'prod_1', 0)).toBe(
      hashedIdCandidate(installationId, 'product', 'prod_1', 0),
    );
  });

  // Numbers already written in ShopiMind are found again only if the function never changes.
  it('gives the numbers it gave from the start', () => {
    expect(hashedIdCandidate(installationId, 'product', 'prod_1', 0)).toBe(6_251_042_630_387_933);
    expect(hashedIdCandidate(installationId, 'product_variation', 'prod_1\u0000var_2', 3)).toBe(
      6_431_755_756_047_673,
    );
  });

  it('gives another number per store id, entity type, installation and attempt', () => {
    const candidates = [
      hashedIdCandidate(installationId, 'product', 'prod_1', 0),
      hashedIdCandidate(installationId, 'product', 'prod_2', 0),
      hashedIdCandidate(installationId, 'category', 'prod_1', 0),
      hashedIdCandidate('5d1e0a9b-8c7f-4e6d-a3b2-1c0f9e8d7a6b', 'product', 'prod_1', 0),
      hashedIdCandidate(installationId, 'product', 'prod_1', 1),
    ];

    expect(new Set(candidates).size).toBe(candidates.length);
  });

  it('keeps separators in store ids from making two inputs one', () => {
    expect(hashedIdCandidate(installationId, 'product', 'a","b', 0)).not.toBe(
      hashedIdCandidate(installationId, 'product","a', 'b', 0),
    );
  });

  // ShopiMind takes positive safe integers; the former sequence's numbers stay below 2^32.
  it('stays among safe integers above the sequence numbers still in use', () => {
    const candidates = Array.from({ length: 2_000 }, (_, index) =>
      hashedIdCandidate(installationId, 'product', `prod_${index}`, index % 3),
    );

    for (const candidate of candidates) {
      expect(Number.isSafeInteger(candidate)).toBe(true);
      expect(candidate).toBeGreaterThanOrEqual(FIRST_CANDIDATE_ID);
    }
    expect(FIRST_CANDIDATE_ID).toBe(2 ** 32);
    expect(new Set(candidates).size).toBe(candidates.length);
  });
});
