import type {
  AcceptedSignatureRepository,
  SignatureAnswer,
  SignatureClaim,
} from '@storebridge/gateway-persistence';

type AcceptedSignaturePort = Pick<
  AcceptedSignatureRepository,
  'claim' | 'recordAnswer' | 'release' | 'purgeExpired'
>;

/** Where processing stands; no entry: done without an answer (like rows accepted before answers were kept). */
interface Progress {
  processingUntil: Date | null;
  answer: SignatureAnswer | null;
}

/**
 * In-memory AcceptedSignatureRepository with the real one's rules (an unexpired row holds a signature on its
 * route: answered, or in progress until its lease runs out; an expired or lapsed one is taken over), judged
 * against `Date.now()`. Test-only (excluded from the build).
 */
export class InMemoryAcceptedSignatures implements AcceptedSignaturePort {
  /** `<route> <signature>` → expiry */
  readonly rows = new Map<string, Date>();
  /** `<route> <signature>` → its processing or answer */
  readonly progress = new Map<string, Progress>();
  readonly claims: Array<{ signature: string; route: string; expiresAt: Date }> = [];
  readonly answers: Array<{ signature: string; route: string; answer: SignatureAnswer }> = [];
  readonly releases: Array<{ signature: string; route: string }> = [];
  readonly purges: Date[] = [];
  /** Set to make the next calls fail like a database that is down. */
  failWith?: Error;

  async claim(
    signature: string,
    route: string,
    expiresAt: Date,
    processingUntil: Date,
  ): Promise<SignatureClaim> {
    this.throwIfFailing();
    this.claims.push({ signature, route, expiresAt });
    const key = `${route} ${signature}`;
    const expiry = this.rows.get(key);
    const held = this.progress.get(key);
    const now = Date.now();
    if (expiry && expiry.getTime() > now) {
      if (held?.answer) {
        return { kind: 'answered', answer: structuredClone(held.answer) };
      }
      if (!held?.processingUntil) {
        return { kind: 'answered', answer: { status: 0, body: null } };
      }
      if (held.processingUntil.getTime() > now) {
        return { kind: 'in_progress' };
      }
    }
    this.rows.set(key, expiresAt);
    this.progress.set(key, { processingUntil, answer: null });
    return { kind: 'claimed' };
  }

  async recordAnswer(signature: string, route: string, answer: SignatureAnswer): Promise<boolean> {
    this.throwIfFailing();
    this.answers.push({ signature, route, answer });
    const key = `${route} ${signature}`;
    if (!this.rows.has(key)) {
      return false;
    }
    this.progress.set(key, { processingUntil: null, answer: structuredClone(answer) });
    return true;
  }

  async release(signature: string, route: string): Promise<boolean> {
    this.throwIfFailing();
    this.releases.push({ signature, route });
    this.progress.delete(`${route} ${signature}`);
    return this.rows.delete(`${route} ${signature}`);
  }

  async purgeExpired(now: Date): Promise<number> {
    this.throwIfFailing();
    this.purges.push(now);
    const expired = [...this.rows].filter(([, expiresAt]) => expiresAt <= now);
    expired.forEach(([key]) => {
      this.rows.delete(key);
      this.progress.delete(key);
    });
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
