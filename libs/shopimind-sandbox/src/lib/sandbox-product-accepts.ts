import type { SandboxItem } from './sandbox-entities';

/** How many accepted product records an installation remembers by default: the oldest are forgotten first. */
export const DEFAULT_PRODUCT_ACCEPT_LOG_CAPACITY = 200_000;

/** One product record the sandbox accepted and stored, with when: what a benchmark times a change against. */
export interface SandboxProductAcceptance {
  /** 1, 2, 3... per installation, never reused: read on with `productAcceptances(id, lastSequenceSeen)`. */
  sequence: number;
  /** `Date.now()` when the record was stored. */
  acceptedAt: number;
  /** The record's `product_id`, as a string (the sandbox's upsert key). */
  productId: string;
  lang: string;
  price: number;
  priceDiscount: number | null;
}

export function validateAcceptLogCapacity(capacity: number): number {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`sandbox productAcceptLogCapacity must be a positive integer, got ${capacity}`);
  }
  return capacity;
}

/**
 * The product records accepted by one installation, oldest first, in a ring of fixed capacity so a long run
 * cannot grow the sandbox's memory without bound.
 */
export class ProductAcceptLog {
  private readonly ring: SandboxProductAcceptance[] = [];
  private nextSequence = 1;

  readonly capacity: number;

  constructor(capacity: number = DEFAULT_PRODUCT_ACCEPT_LOG_CAPACITY) {
    this.capacity = validateAcceptLogCapacity(capacity);
  }

  /** Called with a product record that passed validation and was stored. */
  add(item: SandboxItem, acceptedAt: number = Date.now()): void {
    const priceDiscount = item['price_discount'];
    const sequence = this.nextSequence;
    this.nextSequence += 1;
    this.ring[(sequence - 1) % this.capacity] = {
      sequence,
      acceptedAt,
      productId: String(item['product_id']),
      lang: String(item['lang']),
      price: Number(item['price']),
      priceDiscount: typeof priceDiscount === 'number' ? priceDiscount : null,
    };
  }

  /** The sequence of the last record accepted, 0 before the first. */
  lastSequence(): number {
    return this.nextSequence - 1;
  }

  /** The records accepted after `afterSequence` that are still remembered, oldest first. */
  since(afterSequence = 0): SandboxProductAcceptance[] {
    const oldestKept = Math.max(1, this.nextSequence - this.capacity);
    const entries: SandboxProductAcceptance[] = [];
    for (
      let sequence = Math.max(afterSequence + 1, oldestKept);
      sequence < this.nextSequence;
      sequence += 1
    ) {
      entries.push({ ...this.ring[(sequence - 1) % this.capacity] });
    }
    return entries;
  }
}
