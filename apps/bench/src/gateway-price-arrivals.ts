import type { SandboxProductAcceptance } from '@storebridge/shopimind-sandbox';
import type { SentWebhook } from './webhook-load';

/** Prices are sent with two decimals; the pipeline may carry them as floats. */
const PRICE_TOLERANCE = 0.005;

/** What ShopiMind charges for a product record: its discounted price when it has one. */
export function sellingPrice(acceptance: Pick<SandboxProductAcceptance, 'price' | 'priceDiscount'>): number {
  return acceptance.priceDiscount ?? acceptance.price;
}

export interface ArrivalFigures {
  /** Updates answered 200 by the gateway. */
  accepted: number;
  /** Of those, the ones whose new price the sandbox accepted. */
  arrived: number;
  /** Answered 200 and never seen in the sandbox: the gateway's promise broken. */
  lost: number;
  /** `Date.now()` of the last arrival, undefined before the first. */
  lastArrivalAt: number | undefined;
  /** Per arrived update: from its webhook sent to its record accepted by the sandbox. */
  latenciesMs: number[];
}

/**
 * Follows one phase's price updates into the sandbox: each update is a ShopiMind product id with the price its
 * webhook set; it has arrived with the first accepted record of that product at that price.
 */
export class PriceArrivals {
  private readonly expected = new Map<string, { index: number; price: number }>();
  private readonly arrivedAt: Array<number | undefined>;
  private sent: readonly SentWebhook[] = [];

  constructor(updates: ReadonlyArray<{ shopimindProductId: string; price: number }>) {
    updates.forEach(({ shopimindProductId, price }, index) => {
      if (this.expected.has(shopimindProductId)) {
        throw new RangeError(`product ${shopimindProductId} is updated twice in one phase`);
      }
      this.expected.set(shopimindProductId, { index, price });
    });
    this.arrivedAt = new Array<number | undefined>(updates.length);
  }

  observe(acceptances: readonly SandboxProductAcceptance[]): void {
    for (const acceptance of acceptances) {
      const update = this.expected.get(acceptance.productId);
      if (
        update !== undefined &&
        this.arrivedAt[update.index] === undefined &&
        Math.abs(sellingPrice(acceptance) - update.price) < PRICE_TOLERANCE
      ) {
        this.arrivedAt[update.index] = acceptance.acceptedAt;
      }
    }
  }

  /** The gateway's answers, in the order of the updates; only updates answered 200 are waited for. */
  answered(sent: readonly SentWebhook[]): void {
    this.sent = sent;
  }

  /** Updates whose new price arrived, whatever the gateway answered. */
  arrived(): number {
    return this.arrivedAt.filter((at) => at !== undefined).length;
  }

  /** Updates answered 200 that have not arrived yet. */
  pending(): number {
    return this.sent.filter((webhook, index) => webhook.status === 200 && this.arrivedAt[index] === undefined)
      .length;
  }

  figures(): ArrivalFigures {
    const latenciesMs: number[] = [];
    let accepted = 0;
    let lastArrivalAt: number | undefined;
    this.sent.forEach((webhook, index) => {
      const arrivedAt = this.arrivedAt[index];
      accepted += webhook.status === 200 ? 1 : 0;
      if (arrivedAt !== undefined) {
        latenciesMs.push(arrivedAt - webhook.sentAt);
        lastArrivalAt = Math.max(lastArrivalAt ?? arrivedAt, arrivedAt);
      }
    });
    return { accepted, arrived: latenciesMs.length, lost: this.pending(), lastArrivalAt, latenciesMs };
  }
}
