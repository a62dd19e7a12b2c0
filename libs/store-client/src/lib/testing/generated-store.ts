import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import type { StoreEntity } from '../client/store-page';
import type { StoreAuth, StoreConnectionInput } from '../store-settings';

/**
 * Generated stores with the quirks real stores have (issue #18, generic-api spec §3-§6), for property tests that
 * run the real crawl against them. A store is a model (records per moment, quirks fixed for the store's life)
 * served by a real HTTP server on loopback. Test-only: never exported from the lib's production index.
 */

export type GeneratedEntity = StoreEntity;
export const GENERATED_ENTITIES: readonly GeneratedEntity[] = ['products', 'orders'];

export type FieldStyle = 'canonical' | 'alias' | 'mapped';
export type IdStyle = 'number' | 'string' | 'padded_string';
export type PriceFormat = 'number' | 'string' | 'dollar' | 'code' | 'thousands';
export type DateFormat = 'iso' | 'iso_offset' | 'sql' | 'unix_seconds' | 'unix_ms' | 'unix_string';
export type MetaMode = 'complete' | 'partial' | 'lying_total' | 'absent';
export type MetaKey = 'current_page' | 'per_page' | 'total' | 'last_page';
export type OutOfRange = 'empty' | 'clamp' | 'not_found';
export type TransientKind = '429_seconds' | '429_date' | '503' | 'html_502' | 'reset';

/** One record of the model. `key` is unique per entity over the whole scenario; the store's id derives from it. */
export interface ModelRecord {
  key: number;
  /** A record the spec says must be skipped (§4: no id or no name; §5: no id). Only products lack a name. */
  flaw: 'none' | 'missing_id' | 'missing_name';
  priceCents: number;
  /** Seconds since the epoch. */
  createdAt: number;
  /** Product name or order status variant. */
  label: number;
}

export interface EntityQuirks {
  path: string;
  fields: FieldStyle;
  /** Which alias of each alias list the store uses. */
  aliasPick: number;
  idStyle: IdStyle;
  priceFormat: PriceFormat;
  dateFormat: DateFormat;
  shape: 'envelope' | 'array';
  meta: MetaMode;
  /** For `partial` meta: the keys left out (at least one). */
  metaDropped: MetaKey[];
  /** For `lying_total` meta: what `total` is off by (never 0). */
  totalOffset: number;
  /** A silent cap echoes the asked `per_page` in its meta instead of the size it serves. */
  metaPerPage: 'served' | 'asked';
  /** Records per page at most, whatever is asked (silent when below the asked size); none: the asked size. */
  pageCap: number | null;
  outOfRange: OutOfRange;
  /** An envelope's `last_page` counts one more, empty page when the records fill their pages exactly. */
  emptyLastPage: boolean;
  /** Serves its first page whatever page is asked (a broken or misread `page` parameter): the rest is unreachable. */
  ignoresPage: boolean;
}

export interface StoreQuirks {
  auth: StoreAuth;
  /** The connection's `per_page`, what the crawl asks for. */
  perPage: number;
  latencyMs: number;
  /** Share (0-1) of requests answered with a transient failure, at most the client's retry budget per page. */
  transientRate: number;
  transientKinds: TransientKind[];
  /** Retry-After in seconds (0-1) for the 429s. */
  retryAfterSeconds: number;
  /** Seeds the store's own decisions (which request fails transiently), so a case replays. */
  seed: number;
  products: EntityQuirks;
  orders: EntityQuirks;
}

/** A bounded outage during one crawl: every request for `entity` from `fromPage` on fails, retries included. */
export interface Outage {
  entity: GeneratedEntity;
  fromPage: number;
  kind: '500' | 'reset';
}

/** The store as one crawl sees it. Duplicates repeat a valid record further on (`at` → after `after`). */
export interface StoreMoment {
  products: ModelRecord[];
  orders: ModelRecord[];
  duplicates: Record<GeneratedEntity, Array<{ of: number; after: number }>>;
  outage: Outage | null;
}

export interface StoreScenario {
  quirks: StoreQuirks;
  /** The crawls in order; the last two are an unchanged, outage-free moment. */
  moments: StoreMoment[];
}

/** A valid record as the spec's normalization must give it (ids as text, prices parsed, dates ISO UTC). */
export interface ExpectedRecord {
  id: string;
  name?: string;
  price?: number;
  total?: number;
  status?: string;
  createdAt: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering a model record the way the store spells it.
// ---------------------------------------------------------------------------------------------------------------

const PRODUCT_FIELDS: Record<
  FieldStyle,
  Record<'id' | 'name' | 'price' | 'created_at', readonly string[]>
> = {
  canonical: { id: ['id'], name: ['name'], price: ['price'], created_at: ['created_at'] },
  // Spec §4 aliases; `created_at` has none. `sku` is an alias of the id, so it is never sent.
  alias: {
    id: ['product_id'],
    name: ['title', 'product_name'],
    price: ['selling_price', 'current_price'],
    created_at: ['created_at'],
  },
  mapped: { id: ['ref'], name: ['label'], price: ['pricing.amount'], created_at: ['added'] },
};

const ORDER_FIELDS: Record<
  FieldStyle,
  Record<'id' | 'total' | 'status' | 'created_at', readonly string[]>
> = {
  canonical: { id: ['id'], total: ['total'], status: ['status'], created_at: ['created_at'] },
  // Spec §5 aliases. `order_number` is an alias of the id, so it is never sent.
  alias: {
    id: ['order_id'],
    total: ['total_amount', 'grand_total', 'order_total'],
    status: ['order_status', 'state'],
    created_at: ['date', 'order_date', 'created_date'],
  },
  mapped: { id: ['reference'], total: ['amount.gross'], status: ['phase'], created_at: ['placed'] },
};

const ORDER_STATUSES = ['pending', 'processing', 'completed', 'cancelled'];

/** The connection's field mappings for a store whose fields need them (spec §6: a mapping replaces aliases). */
export function fieldMappingsOf(quirks: StoreQuirks): NonNullable<StoreConnectionInput['fieldMappings']> {
  const mapping = (fields: Record<string, readonly string[]>): Record<string, string> =>
    Object.fromEntries(Object.entries(fields).map(([canonical, [name]]) => [canonical, name]));
  return {
    products: quirks.products.fields === 'mapped' ? mapping(PRODUCT_FIELDS.mapped) : {},
    orders: quirks.orders.fields === 'mapped' ? mapping(ORDER_FIELDS.mapped) : {},
  };
}

/** What the merchant types into ShopiMind's form for this store. */
export function connectionInputOf(quirks: StoreQuirks, baseUrl: string): StoreConnectionInput {
  return {
    baseUrl,
    auth: quirks.auth,
    perPage: quirks.perPage,
    paths: { products: quirks.products.path, orders: quirks.orders.path },
    fieldMappings: fieldMappingsOf(quirks),
  };
}

function storeIdOf(record: ModelRecord, style: IdStyle): string | number {
  switch (style) {
    case 'number':
      return record.key;
    case 'string':
      return `SKU-${record.key}`;
    case 'padded_string':
      return ` ${record.key} `;
  }
}

/** The id once normalized (spec §6: ids become strings, trimmed). */
export function expectedIdOf(record: ModelRecord, style: IdStyle): string {
  return String(storeIdOf(record, style)).trim();
}

function formatPrice(cents: number, format: PriceFormat): number | string {
  const fixed = (cents / 100).toFixed(2);
  switch (format) {
    case 'number':
      return cents / 100;
    case 'string':
      return fixed;
    case 'dollar':
      return `$${fixed}`;
    case 'code':
      return `USD ${fixed}`;
    case 'thousands':
      // 1,234.50: toLocaleString would do, at a cost the property suite notices.
      return `${Math.floor(cents / 100)
        .toString()
        .replace(/\B(?=(\d{3})+$)/g, ',')}.${String(cents % 100).padStart(2, '0')}`;
  }
}

function formatDate(seconds: number, format: DateFormat): number | string {
  const iso = new Date(seconds * 1000).toISOString();
  switch (format) {
    case 'iso':
      return iso.replace('.000Z', 'Z');
    case 'iso_offset':
      // The same instant written in UTC+02:00.
      return `${new Date((seconds + 7200) * 1000).toISOString().slice(0, 19)}+02:00`;
    case 'sql':
      return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
    case 'unix_seconds':
      return seconds;
    case 'unix_ms':
      return seconds * 1000;
    case 'unix_string':
      return String(seconds);
  }
}

/** Sets `value` at a dotted path, making the objects on the way (a mapped `pricing.amount`). */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const segments = path.split('.');
  let current = target;
  for (const segment of segments.slice(0, -1)) {
    const next = current[segment];
    const child: Record<string, unknown> =
      typeof next === 'object' && next !== null ? (next as Record<string, unknown>) : {};
    current[segment] = child;
    current = child;
  }
  current[segments[segments.length - 1]] = value;
}

function pick(names: readonly string[], index: number): string {
  return names[index % names.length];
}

export function renderRecord(
  entity: GeneratedEntity,
  record: ModelRecord,
  quirks: EntityQuirks,
): Record<string, unknown> {
  // Real records carry fields nobody maps (notes, references); this one also keeps two flawed records apart.
  const raw: Record<string, unknown> = { internal_note: `record ${record.key}` };
  const fields = entity === 'products' ? PRODUCT_FIELDS[quirks.fields] : ORDER_FIELDS[quirks.fields];
  const at = (canonical: string): string =>
    pick((fields as Record<string, readonly string[]>)[canonical], quirks.aliasPick);
  if (record.flaw !== 'missing_id') {
    setPath(raw, at('id'), storeIdOf(record, quirks.idStyle));
  }
  setPath(raw, at('created_at'), formatDate(record.createdAt, quirks.dateFormat));
  if (entity === 'products') {
    if (record.flaw === 'missing_name') {
      // Absent, null or blank: all three count as no name (spec §4, field resolution).
      const blank = [undefined, null, '   '][record.label % 3];
      if (blank !== undefined) {
        setPath(raw, at('name'), blank);
      }
    } else {
      setPath(raw, at('name'), `Product ${record.key}-${record.label}`);
    }
    setPath(raw, at('price'), formatPrice(record.priceCents, quirks.priceFormat));
  } else {
    // ShopiMind derives the customer from the order's email and needs one (unmapped: canonical or alias).
    raw[['customer_email', 'email', 'billing_email'][quirks.aliasPick % 3]] =
      `customer${record.key % 7}@example.com`;
    setPath(raw, at('total'), formatPrice(record.priceCents, quirks.priceFormat));
    setPath(raw, at('status'), pick(ORDER_STATUSES, record.label));
  }
  return raw;
}

export function expectedRecordOf(
  entity: GeneratedEntity,
  record: ModelRecord,
  quirks: EntityQuirks,
): ExpectedRecord {
  const common = {
    id: expectedIdOf(record, quirks.idStyle),
    createdAt: new Date(record.createdAt * 1000).toISOString(),
  };
  return entity === 'products'
    ? { ...common, name: `Product ${record.key}-${record.label}`, price: record.priceCents / 100 }
    : { ...common, total: record.priceCents / 100, status: pick(ORDER_STATUSES, record.label) };
}

// ---------------------------------------------------------------------------------------------------------------
// What a moment serves, and what a right crawl of it must give.
// ---------------------------------------------------------------------------------------------------------------

/** The records in the order the store lists them, duplicates included. */
export function listedRecords(moment: StoreMoment, entity: GeneratedEntity): ModelRecord[] {
  const listed = [...moment[entity]];
  for (const { of, after } of moment.duplicates[entity]) {
    const valid = listed.filter((record) => record.flaw === 'none');
    if (valid.length === 0) {
      continue;
    }
    const original = valid[of % valid.length];
    const from = listed.indexOf(original);
    listed.splice(from + 1 + (after % (listed.length - from)), 0, original);
  }
  return listed;
}

/** The store's valid records by normalized id. */
export function expectedRecords(
  moment: StoreMoment,
  entity: GeneratedEntity,
  quirks: StoreQuirks,
): Map<string, ExpectedRecord> {
  return new Map(
    moment[entity]
      .filter((record) => record.flaw === 'none')
      .map((record) => {
        const expected = expectedRecordOf(entity, record, quirks[entity]);
        return [expected.id, expected];
      }),
  );
}

/** Ids the store has at this moment, valid or not (a record without a name still has its id). */
export function listedIds(moment: StoreMoment, entity: GeneratedEntity, quirks: StoreQuirks): Set<string> {
  return new Set(
    moment[entity]
      .filter((record) => record.flaw !== 'missing_id')
      .map((record) => expectedIdOf(record, quirks[entity].idStyle)),
  );
}

/** The records a crawl can reach: all of them, or the first page of a store ignoring `page`. */
export function reachableRecords(
  moment: StoreMoment,
  entity: GeneratedEntity,
  quirks: StoreQuirks,
): ModelRecord[] {
  const listed = listedRecords(moment, entity);
  return quirks[entity].ignoresPage ? listed.slice(0, servedPageSize(quirks, entity)) : listed;
}

/** Records a right crawl skips, one per reachable occurrence. */
export function invalidCount(moment: StoreMoment, entity: GeneratedEntity, quirks: StoreQuirks): number {
  return reachableRecords(moment, entity, quirks).filter((record) => record.flaw !== 'none').length;
}

export function servedPageSize(quirks: StoreQuirks, entity: GeneratedEntity): number {
  const cap = quirks[entity].pageCap;
  return cap === null ? quirks.perPage : Math.min(cap, quirks.perPage);
}

function metaKeysOf(quirks: EntityQuirks): MetaKey[] {
  const all: MetaKey[] = ['current_page', 'per_page', 'total', 'last_page'];
  if (quirks.shape === 'array' || quirks.meta === 'absent') {
    return [];
  }
  return quirks.meta === 'partial' ? all.filter((key) => !quirks.metaDropped.includes(key)) : all;
}

/** Whether every page tells where the end is (spec §3: `current_page >= last_page`). */
export function tellsLastPage(quirks: EntityQuirks): boolean {
  const keys = metaKeysOf(quirks);
  return keys.includes('current_page') && keys.includes('last_page');
}

/**
 * What the store answers once the crawl asks past its records, if a right crawl must ask there at all: never when
 * the meta tells the last page; otherwise when no page is short of the learned page size (the records fill their
 * pages exactly, or fit on the first page, whose size is taken for the store's real one).
 */
export function pastTheEnd(
  moment: StoreMoment,
  entity: GeneratedEntity,
  quirks: StoreQuirks,
): OutOfRange | 'not_asked' {
  const count = listedRecords(moment, entity).length;
  const size = servedPageSize(quirks, entity);
  const exact = count > 0 && count % size === 0;
  if (quirks[entity].ignoresPage && count > 0 && !(tellsLastPage(quirks[entity]) && count <= size)) {
    // Page 2 comes back as page 1: the same as a store clamping past its end.
    return 'clamp';
  }
  if (tellsLastPage(quirks[entity]) || count === 0 || (count > size && !exact)) {
    return 'not_asked';
  }
  // The page after full ones is still in range there: an empty last page.
  return exact && quirks[entity].emptyLastPage ? 'empty' : quirks[entity].outOfRange;
}

/** Pages a right crawl reads, plus the ones it may ask past the end (the page after, and one in flight). */
export function pageBound(moment: StoreMoment, entity: GeneratedEntity, quirks: StoreQuirks): number {
  const count = listedRecords(moment, entity).length;
  return Math.ceil(count / servedPageSize(quirks, entity)) + 3;
}

// ---------------------------------------------------------------------------------------------------------------
// Arbitraries.
// ---------------------------------------------------------------------------------------------------------------

/** Orders need no name (spec §5), so only products lack one. */
const recordSeed = (entity: GeneratedEntity): fc.Arbitrary<Omit<ModelRecord, 'key'>> =>
  fc.record({
    flaw: fc.oneof(
      { arbitrary: fc.constant('none' as const), weight: 12 },
      { arbitrary: fc.constant('missing_id' as const), weight: 1 },
      {
        arbitrary: fc.constant(entity === 'products' ? ('missing_name' as const) : ('none' as const)),
        weight: 1,
      },
    ),
    priceCents: fc.oneof(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 100_000, max: 500_000_00 })),
    createdAt: fc.integer({ min: 1_500_000_000, max: 1_800_000_000 }),
    label: fc.nat({ max: 11 }),
  });

const METAS: MetaKey[] = ['current_page', 'per_page', 'total', 'last_page'];

function entityQuirks(entity: GeneratedEntity): fc.Arbitrary<EntityQuirks> {
  return fc.record({
    path: fc.constantFrom(
      `/api/${entity}`,
      `/v2/shop/${entity === 'products' ? 'catalog' : 'sales'}`,
      `/wp-json/store/v1/${entity}`,
    ),
    fields: fc.constantFrom<FieldStyle>('canonical', 'alias', 'mapped'),
    aliasPick: fc.nat({ max: 2 }),
    idStyle: fc.constantFrom<IdStyle>('number', 'string', 'padded_string'),
    priceFormat: fc.constantFrom<PriceFormat>('number', 'string', 'dollar', 'code', 'thousands'),
    dateFormat: fc.constantFrom<DateFormat>(
      'iso',
      'iso_offset',
      'sql',
      'unix_seconds',
      'unix_ms',
      'unix_string',
    ),
    shape: fc.constantFrom<'envelope' | 'array'>('envelope', 'array'),
    meta: fc.constantFrom<MetaMode>('complete', 'partial', 'lying_total', 'absent'),
    metaDropped: fc.subarray(METAS, { minLength: 1, maxLength: 3 }),
    totalOffset: fc.oneof(fc.integer({ min: -5, max: -1 }), fc.integer({ min: 1, max: 5 })),
    metaPerPage: fc.constantFrom<'served' | 'asked'>('served', 'asked'),
    pageCap: fc.option(fc.integer({ min: 1, max: 60 }), { nil: null }),
    outOfRange: fc.constantFrom<OutOfRange>('empty', 'clamp', 'not_found'),
    emptyLastPage: fc.boolean(),
    ignoresPage: fc.oneof(
      { arbitrary: fc.constant(false), weight: 9 },
      { arbitrary: fc.constant(true), weight: 1 },
    ),
  });
}

const authArbitrary: fc.Arbitrary<StoreAuth> = fc.oneof(
  fc.constant<StoreAuth>({ method: 'api_key', token: 'key-4f2a' }),
  fc.constant<StoreAuth>({ method: 'bearer', token: 'tok.abc.123' }),
  fc.constant<StoreAuth>({ method: 'basic', username: 'shop', password: 'p@ss word:1' }),
);

export function storeQuirksArbitrary(): fc.Arbitrary<StoreQuirks> {
  return fc.record({
    auth: authArbitrary,
    // Small pages give small catalogues many pages, where the stop rules are at work.
    perPage: fc.oneof(
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 100 }),
      fc.constantFrom(50, 100),
    ),
    latencyMs: fc.nat({ max: 2 }),
    transientRate: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.3, noNaN: true })),
    transientKinds: fc.subarray<TransientKind>(['429_seconds', '429_date', '503', 'html_502', 'reset'], {
      minLength: 1,
    }),
    retryAfterSeconds: fc.nat({ max: 1 }),
    seed: fc.nat(),
    products: entityQuirks('products'),
    orders: entityQuirks('orders'),
  });
}

/** How the store changes between two crawls, and whether the crawl meets an outage. */
interface MomentChange {
  inserts: Record<GeneratedEntity, Array<Omit<ModelRecord, 'key'>>>;
  /** Percent of each entity's records removed (large ones exercise the held deletions). */
  deletePercent: Record<GeneratedEntity, number>;
  deleteOffset: number;
  reprice: Array<{ at: number; cents: number }>;
  duplicates: Record<GeneratedEntity, Array<{ of: number; after: number }>>;
  outage: Outage | null;
}

const duplicatesArbitrary: fc.Arbitrary<Array<{ of: number; after: number }>> = fc.oneof(
  { arbitrary: fc.constant<Array<{ of: number; after: number }>>([]), weight: 3 },
  {
    arbitrary: fc.array(fc.record({ of: fc.nat(), after: fc.nat() }), { minLength: 1, maxLength: 3 }),
    weight: 1,
  },
);

const changeArbitrary: fc.Arbitrary<MomentChange> = fc.record({
  inserts: fc.record({
    products: fc.array(recordSeed('products'), { maxLength: 15 }),
    orders: fc.array(recordSeed('orders'), { maxLength: 15 }),
  }),
  deletePercent: fc.record({
    products: fc.oneof(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 70 })),
    orders: fc.oneof(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 70 })),
  }),
  deleteOffset: fc.nat(),
  reprice: fc.array(fc.record({ at: fc.nat(), cents: fc.integer({ min: 0, max: 200_000 }) }), {
    maxLength: 5,
  }),
  duplicates: fc.record({ products: duplicatesArbitrary, orders: duplicatesArbitrary }),
  outage: fc.option(
    fc.record({
      entity: fc.constantFrom<GeneratedEntity>('products', 'orders'),
      fromPage: fc.integer({ min: 1, max: 6 }),
      kind: fc.constantFrom<'500' | 'reset'>('500', 'reset'),
    }),
    { nil: null, freq: 3 },
  ),
});

function applyChange(
  previous: Pick<StoreMoment, 'products' | 'orders'>,
  change: MomentChange,
  nextKey: () => number,
): StoreMoment {
  const next = (entity: GeneratedEntity): ModelRecord[] => {
    const kept = [...previous[entity]];
    const removing = Math.floor((kept.length * change.deletePercent[entity]) / 100);
    for (let removed = 0; removed < removing; removed += 1) {
      kept.splice((change.deleteOffset + removed * 7) % kept.length, 1);
    }
    const repriced = kept.map((record, index) => {
      const hit = change.reprice.find(({ at }) => at % Math.max(1, kept.length) === index);
      return hit ? { ...record, priceCents: hit.cents } : record;
    });
    const inserted = change.inserts[entity].map((seed) => ({ ...seed, key: nextKey() }));
    // New records appear anywhere in the listing, as with a store sorted by name.
    const merged = [...repriced];
    inserted.forEach((record, index) => {
      merged.splice((change.deleteOffset + index * 13) % (merged.length + 1), 0, record);
    });
    return merged;
  };
  return {
    products: next('products'),
    orders: next('orders'),
    duplicates: change.duplicates,
    outage: change.outage,
  };
}

/**
 * Whether the listing serves a page equal to an earlier one (same length, first and last record), which a crawl
 * cannot tell from a store clamping past its end unless the page's meta names the page it serves.
 */
export function servesRepeatedPage(
  moment: StoreMoment,
  entity: GeneratedEntity,
  quirks: StoreQuirks,
): boolean {
  const size = servedPageSize(quirks, entity);
  const listed = listedRecords(moment, entity);
  const pages = new Set<string>();
  for (let from = 0; from < listed.length; from += size) {
    const page = listed.slice(from, from + size);
    const fingerprint = `${page.length}:${page[0].key}:${page[page.length - 1].key}`;
    if (pages.has(fingerprint)) {
      return true;
    }
    pages.add(fingerprint);
  }
  return false;
}

/**
 * Drops the duplicates that would make a store without page meta serve a page twice: the truth is ambiguous there
 * (the paginator's own spec covers that choice), so no invariant can hold for it.
 */
function withoutAmbiguousRepeats(moment: StoreMoment, quirks: StoreQuirks): StoreMoment {
  const duplicates = { ...moment.duplicates };
  for (const entity of GENERATED_ENTITIES) {
    if (tellsLastPage(quirks[entity]) || quirks[entity].ignoresPage) {
      continue;
    }
    duplicates[entity] = [...duplicates[entity]];
    while (duplicates[entity].length > 0 && servesRepeatedPage({ ...moment, duplicates }, entity, quirks)) {
      duplicates[entity].pop();
    }
  }
  return { ...moment, duplicates };
}

/**
 * A store and the sequence of moments its crawls see: an initial catalogue (0-40 records per entity), 0-2 changes
 * (inserts, deletions, price changes, some with an outage), then one final change crawled twice, without outage.
 */
export function storeScenarioArbitrary(): fc.Arbitrary<StoreScenario> {
  return fc
    .record({
      quirks: storeQuirksArbitrary(),
      initial: fc.record({
        products: fc.array(recordSeed('products'), { maxLength: 40, size: 'max' }),
        orders: fc.array(recordSeed('orders'), { maxLength: 40, size: 'max' }),
      }),
      changes: fc.array(changeArbitrary, { maxLength: 2 }),
      final: changeArbitrary,
    })
    .map(({ quirks, initial, changes, final }) => {
      let key = 0;
      const nextKey = (): number => {
        key += 1;
        return key;
      };
      const withKeys = (seeds: Array<Omit<ModelRecord, 'key'>>): ModelRecord[] =>
        seeds.map((seed) => ({ ...seed, key: nextKey() }));
      const first: StoreMoment = {
        products: withKeys(initial.products),
        orders: withKeys(initial.orders),
        duplicates: { products: [], orders: [] },
        outage: changes.length > 0 ? null : final.outage,
      };
      const moments = [first];
      for (const change of changes) {
        moments.push(applyChange(moments[moments.length - 1], change, nextKey));
      }
      const last = applyChange(moments[moments.length - 1], { ...final, outage: null }, nextKey);
      moments.push(last, last);
      return { quirks, moments: moments.map((moment) => withoutAmbiguousRepeats(moment, quirks)) };
    });
}

// ---------------------------------------------------------------------------------------------------------------
// The server.
// ---------------------------------------------------------------------------------------------------------------

export interface GeneratedStoreRequest {
  entity: GeneratedEntity | null;
  page: number;
  perPage: number;
  /** What the store answered: `ok`, a status, `reset` or `unauthorized`. */
  outcome: string;
}

/** mulberry32: the store's decisions replay from the scenario's seed. */
function randomOf(seed: number): number {
  let t = (seed + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function expectedAuthorization(auth: StoreAuth): { header: string; value: string } {
  switch (auth.method) {
    case 'api_key':
      return { header: 'x-api-key', value: auth.token };
    case 'bearer':
      return { header: 'authorization', value: `Bearer ${auth.token}` };
    case 'basic':
      return {
        header: 'authorization',
        value: `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`,
      };
  }
}

/**
 * Serves one moment of a scenario at a time (`serve`), counting the requests of each crawl. Transient failures
 * hit a page at most `retryBudget` times per crawl, so a client retrying that often always recovers; an outage
 * fails every attempt. Past `requestLimit` requests in one crawl it answers 400 to everything, so a crawl that
 * would not end fails instead of hanging the test.
 */
export class GeneratedStoreServer {
  readonly requests: GeneratedStoreRequest[] = [];
  private moment: StoreMoment;
  private crawl = 0;
  private requestLimit = Number.POSITIVE_INFINITY;
  private readonly failures = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    readonly quirks: StoreQuirks,
    private readonly retryBudget: number,
    first: StoreMoment,
  ) {
    this.moment = first;
  }

  static async start(scenario: StoreScenario, retryBudget: number): Promise<GeneratedStoreServer> {
    const server = createServer();
    const store = new GeneratedStoreServer(server, scenario.quirks, retryBudget, scenario.moments[0]);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => store.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    return store;
  }

  get baseUrl(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** The moment the next crawl sees; its request count starts again. */
  serve(moment: StoreMoment, requestLimit: number): void {
    this.moment = moment;
    this.crawl += 1;
    this.requestLimit = requestLimit;
    this.requests.length = 0;
    this.failures.clear();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://generated.invalid');
    const entity = GENERATED_ENTITIES.find((name) => this.quirks[name].path === url.pathname) ?? null;
    const page = Number(url.searchParams.get('page') ?? '1');
    const perPage = Number(url.searchParams.get('per_page') ?? '50');
    const request: GeneratedStoreRequest = { entity, page, perPage, outcome: 'ok' };
    this.requests.push(request);
    const reply = (
      outcome: string,
      status: number,
      body: unknown,
      headers: Record<string, string> = {},
    ): void => {
      request.outcome = outcome;
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      const type = typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/json';
      setTimeout(() => {
        res.writeHead(status, { 'content-type': type, ...headers });
        res.end(text);
      }, this.quirks.latencyMs);
    };
    const { header, value } = expectedAuthorization(this.quirks.auth);
    if (req.headers[header] !== value) {
      return reply('unauthorized', 401, { error: 'unauthorized' });
    }
    if (url.pathname === '/health') {
      return reply('health', 200, { status: 'ok' });
    }
    if (this.requests.length > this.requestLimit) {
      return reply('over_limit', 400, { error: 'too many requests for this test' });
    }
    if (entity === null) {
      return reply('404', 404, { error: 'not found' });
    }
    const outage = this.moment.outage;
    if (outage && outage.entity === entity && page >= outage.fromPage) {
      if (outage.kind === 'reset') {
        request.outcome = 'reset';
        req.socket.destroy();
        return undefined;
      }
      return reply('500', 500, { error: 'internal error' });
    }
    const transient = this.transientFailure(entity, page);
    switch (transient) {
      case undefined:
        break;
      case '429_seconds':
        return reply(
          '429',
          429,
          { error: 'slow down' },
          { 'retry-after': String(this.quirks.retryAfterSeconds) },
        );
      case '429_date':
        return reply(
          '429',
          429,
          { error: 'slow down' },
          { 'retry-after': new Date(Date.now() + this.quirks.retryAfterSeconds * 1000).toUTCString() },
        );
      case '503':
        return reply('503', 503, { error: 'unavailable' });
      case 'html_502':
        return reply('502', 502, '<html><body><h1>502 Bad Gateway</h1></body></html>');
      case 'reset':
        request.outcome = 'reset';
        req.socket.destroy();
        return undefined;
    }
    const answer = this.pageOf(entity, page, perPage);
    return answer === 'not_found' ? reply('404', 404, { error: 'page not found' }) : reply('ok', 200, answer);
  }

  private transientFailure(entity: GeneratedEntity, page: number): TransientKind | undefined {
    const key = `${entity}:${page}`;
    const failed = this.failures.get(key) ?? 0;
    if (failed >= this.retryBudget || this.quirks.transientRate === 0) {
      return undefined;
    }
    const draw = randomOf(
      this.quirks.seed ^ (this.crawl * 7919 + page * 104_729 + failed * 31 + entity.length),
    );
    if (draw >= this.quirks.transientRate) {
      return undefined;
    }
    this.failures.set(key, failed + 1);
    const kinds = this.quirks.transientKinds;
    return kinds[Math.floor(randomOf(Math.floor(draw * 1e9)) * kinds.length)];
  }

  private pageOf(entity: GeneratedEntity, asked: number, perPage: number): unknown {
    const quirks = this.quirks[entity];
    const size = quirks.pageCap === null ? perPage : Math.min(quirks.pageCap, perPage);
    const listed = listedRecords(this.moment, entity);
    const count = listed.length;
    const filled = Math.max(1, Math.ceil(count / size));
    const lastPage = filled + (quirks.emptyLastPage && count > 0 && count % size === 0 ? 1 : 0);
    let page = quirks.ignoresPage ? 1 : asked;
    if (page > lastPage) {
      if (quirks.outOfRange === 'not_found') {
        return 'not_found';
      }
      page = quirks.outOfRange === 'clamp' ? lastPage : asked;
    }
    const data = listed
      .slice((page - 1) * size, page * size)
      .map((record) => renderRecord(entity, record, quirks));
    if (quirks.shape === 'array') {
      return data;
    }
    const meta: Record<MetaKey, number> = {
      current_page: page,
      per_page: quirks.metaPerPage === 'asked' ? perPage : size,
      total: quirks.meta === 'lying_total' ? Math.max(0, count + quirks.totalOffset) : count,
      last_page: lastPage,
    };
    const keys = metaKeysOf(quirks);
    if (quirks.meta === 'absent') {
      return { data };
    }
    return { data, meta: Object.fromEntries(keys.map((key) => [key, meta[key]])) };
  }
}

/** One line naming a store's quirks, so a failing case says which combination broke. */
export function describeStoreQuirks(quirks: StoreQuirks): string {
  const entity = (name: GeneratedEntity): string => {
    const q = quirks[name];
    const meta =
      q.shape === 'array'
        ? 'bare array'
        : `envelope, meta ${q.meta}${q.meta === 'partial' ? ` -${q.metaDropped.join('/')}` : ''}`;
    return `${name}: ${meta}, page size ${servedPageSize(quirks, name)} (asked ${quirks.perPage}${q.pageCap === null ? '' : `, cap ${q.pageCap}`}), past the end ${q.outOfRange}${q.emptyLastPage ? ', empty last page' : ''}${q.ignoresPage ? ', ignores page' : ''}, ${q.fields} fields, ${q.idStyle} ids, ${q.priceFormat} prices, ${q.dateFormat} dates`;
  };
  const transient =
    quirks.transientRate === 0
      ? 'no transient failures'
      : `transient ${quirks.transientKinds.join('/')} at ${quirks.transientRate.toFixed(2)}`;
  return `[${quirks.auth.method} auth, ${transient}; ${entity('products')}; ${entity('orders')}]`;
}

/** fast-check's replay parameters from `<PREFIX>_SEED` and `<PREFIX>_PATH`, as a failure prints them. */
export function propertyReplayFromEnv(prefix: string): { seed?: number; path?: string } {
  const seed = process.env[`${prefix}_SEED`];
  const path = process.env[`${prefix}_PATH`];
  return seed ? { seed: Number(seed), ...(path ? { path } : {}) } : {};
}

/** Whether a crawl can prove it read the store to its end, so that what it did not see may be deleted. */
export function provesItsEnd(moment: StoreMoment, entity: GeneratedEntity, quirks: StoreQuirks): boolean {
  const past = pastTheEnd(moment, entity, quirks);
  return (
    !quirks[entity].ignoresPage && (tellsLastPage(quirks[entity]) || past === 'not_asked' || past === 'empty')
  );
}
