import type { AcceptedSignatureRepository } from '@storebridge/gateway-persistence';

type AcceptedSignaturePort = Pick<AcceptedSignatureRepository, 'claim' | 'release' | 'purgeExpired'>;

/**
 * In-memory AcceptedSignatureRepository with the real one's rules (an unexpired row blocks a claim of the same
 * signature on the same route, an expired one is taken over), judged against `Date.now()`. Test-only
 * (excluded from the build).
 */
export class InMemoryAcceptedSignatures implements AcceptedSignaturePort {
  /** `<route> <signature>` → expiry */
  readonly rows = new Map<string, Date>();
  readonly claims: Array<{ signature: string; route: string; expiresAt: Date }> = [];
  readonly releases: Array<{ signature: string; route: string }> = [];
  readonly purges: Date[] = [];
  /** Set to make the next calls fail like a database that is down. */
  failWith?: Error;

  async claim(signature: string, route: string, expiresAt: Date): Promise<boolean> {
    this.throwIfFailing();
    this.claims.push({ signature, route, expiresAt });
    const held = this.rows.get(`${route} ${signature}`);
    if (held && held.getTime() > Date.now()) {
      return false;
    }
    this.rows.set(`${route} ${signature}`, expiresAt);
    return true;
  }

  async release(signature: string, route: string): Promise<boolean> {
    this.throwIfFailing();
    this.releases.push({ signature, route });
    return this.rows.delete(`${route} ${signature}`);
  }

  async purgeExpired(now: Date): Promise<number> {
    this.throwIfFailing();
    this.purges.push(now);
    const expired = [...this.rows].filter(([, expiresAt]) => expiresAt <= now);
    expired.forEach(([key]) => this.rows.delete(key));
    return expired.length;
  }

  /** The port typed as the class the providers inject. */
  asRepository(): AcceptedSignatureRepository {
    return this as unknown as AcceptedSignatureRepository;
  }

  private throwIfFailing(): void {
    if (this.failWith) {
      throw this.failWith;
    }
  }
}
