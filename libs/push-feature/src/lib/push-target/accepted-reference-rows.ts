/** How long a reference row ShopiMind accepted is not sent again unchanged. */
export const REFERENCE_RESEND_MS = 10 * 60_000;

/** What every reference row carries besides its content: stamps, which change on every send. */
export interface ReferenceRow {
  created_at: string;
  updated_at: string;
}

function fingerprintOf(row: ReferenceRow): string {
  const content: Partial<ReferenceRow> = { ...row };
  delete content.created_at;
  delete content.updated_at;
  return JSON.stringify(content);
}

/**
 * The reference rows (product categories, order statuses) one installation's ShopiMind accepted lately, so a
 * message sends only those that are new or changed: every page of a catalogue names the same few categories, and
 * sending them again cost one more ShopiMind call, in front of the products, per page. Kept in memory with the
 * installation's target (a new access token starts afresh) and forgotten after REFERENCE_RESEND_MS, so ShopiMind
 * hears of every row in use at least that often.
 */
export class AcceptedReferenceRows {
  private readonly accepted = new Map<string, { fingerprint: string; at: number }>();

  constructor(
    private readonly resendMs = REFERENCE_RESEND_MS,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The rows ShopiMind has not accepted in this form within REFERENCE_RESEND_MS. */
  toSend<T extends ReferenceRow>(entity: string, rows: readonly T[], idOf: (row: T) => string | number): T[] {
    const now = this.clock();
    return rows.filter((row) => {
      const known = this.accepted.get(`${entity}:${idOf(row)}`);
      return (
        known === undefined || known.fingerprint !== fingerprintOf(row) || now - known.at >= this.resendMs
      );
    });
  }

  remember<T extends ReferenceRow>(
    entity: string,
    rows: readonly T[],
    idOf: (row: T) => string | number,
  ): void {
    const at = this.clock();
    for (const row of rows) {
      this.accepted.set(`${entity}:${idOf(row)}`, { fingerprint: fingerprintOf(row), at });
    }
  }
}
