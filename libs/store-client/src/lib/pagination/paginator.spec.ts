import { StoreClient } from '../client/store.client';
import { resolveStoreSettings } from '../store-settings';
import { FakeStoreServer, pagedStore } from '../testing/store-server.fake';
import type { StorePage } from '../client/store-page';
import {
  crawlPages,
  CrawledPage,
  CrawlOptions,
  CrawlSummary,
  readAhead,
  type StorePageSource,
} from './paginator';
import { StoreCrawlErrorKind } from './store-crawl.error';

const catalogue = (count: number): { id: number }[] =>
  Array.from({ length: count }, (_, i) => ({ id: i + 1 }));

describe('crawlPages', () => {
  let server: FakeStoreServer;
  let client: StoreClient;

  beforeEach(async () => {
    server = await FakeStoreServer.start(pagedStore([], 'array'));
    client = new StoreClient(
      resolveStoreSettings({ baseUrl: server.baseUrl, auth: { method: 'api_key', token: 'k' } }),
      { retries: 0, allowPrivateAddresses: true },
    );
  });

  afterEach(async () => {
    await server.close();
  });

  interface CrawlOutcome {
    pages: { page: number; ids: unknown[] }[];
    summary?: CrawlSummary;
    error?: unknown;
    requestedPages: string[];
  }

  async function crawl(options: CrawlOptions): Promise<CrawlOutcome> {
    const outcome: CrawlOutcome = { pages: [], requestedPages: [] };
    const generator = crawlPages(client, 'products', options);
    try {
      for (;;) {
        const next = await generator.next();
        if (next.done) {
          outcome.summary = next.value;
          break;
        }
        outcome.pages.push({
          page: next.value.page,
          ids: next.value.records.map((r) => (r as { id: unknown }).id),
        });
      }
    } catch (error) {
      outcome.error = error;
    }
    outcome.requestedPages = server.requests.map((r) => r.query.get('page') ?? '');
    return outcome;
  }

  it.each<[string, number, 'envelope' | 'array', number[][], string[], CrawlSummary['stopReason']]>([
    [
      'an envelope ending on a short page',
      5,
      'envelope',
      [[1, 2], [3, 4], [5]],
      ['1', '2', '3'],
      'last_page',
    ],
    [
      'an envelope ending on a full last page',
      4,
      'envelope',
      [
        [1, 2],
        [3, 4],
      ],
      ['1', '2'],
      'last_page',
    ],
    ['an empty envelope', 0, 'envelope', [], ['1'], 'empty_page'],
    ['an array ending on a short page', 5, 'array', [[1, 2], [3, 4], [5]], ['1', '2', '3'], 'short_page'],
    [
      'an array ending on a full page',
      4,
      'array',
      [
        [1, 2],
        [3, 4],
      ],
      ['1', '2', '3'],
      'empty_page',
    ],
    ['an empty array', 0, 'array', [], ['1'], 'empty_page'],
  ])('crawls %s', async (_label, count, shape, pages, requested, stopReason) => {
    server.respondWith(pagedStore(catalogue(count), shape));
    const outcome = await crawl({ perPage: 2 });
    expect(outcome.error).toBeUndefined();
    expect(outcome.pages.map((p) => p.ids)).toEqual(pages);
    expect(outcome.requestedPages).toEqual(requested);
    expect(outcome.summary).toEqual({ pages: pages.length, records: count, stopReason, complete: true });
  });

  it("uses the connection's per_page when the crawl gives none", async () => {
    client = new StoreClient(
      resolveStoreSettings({ baseUrl: server.baseUrl, auth: { method: 'api_key', token: 'k' }, perPage: 3 }),
      { allowPrivateAddresses: true },
    );
    server.respondWith(pagedStore(catalogue(4), 'array'));
    const outcome = await crawl({});
    expect(outcome.pages.map((p) => p.ids)).toEqual([[1, 2, 3], [4]]);
    expect(server.requests.map((r) => r.query.get('per_page'))).toEqual(['3', '3']);
  });

  it("passes each page's body hash on, equal for an equal body", async () => {
    server.respondWith(pagedStore(catalogue(4), 'array'));
    const first = [];
    for await (const page of crawlPages(client, 'products', { perPage: 2 })) {
      first.push(page.bodyHash);
    }
    const again = [];
    for await (const page of crawlPages(client, 'products', { perPage: 2 })) {
      again.push(page.bodyHash);
    }
    expect(first).toHaveLength(2);
    expect(first[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(first[1]).not.toBe(first[0]);
    expect(again).toEqual(first);
  });

  it('sends the requested per_page', async () => {
    server.respondWith(pagedStore(catalogue(3), 'array'));
    await crawl({ perPage: 2 });
    expect(server.requests.map((r) => r.query.get('per_page'))).toEqual(['2', '2']);
  });

  it('stops on a short page of an envelope without meta', async () => {
    server.respondWith(({ query }) => ({
      json: { data: query.get('page') === '1' ? [{ id: 1 }, { id: 2 }] : [{ id: 3 }] },
    }));
    const outcome = await crawl({ perPage: 2 });
    expect(outcome.pages.map((p) => p.page)).toEqual([1, 2]);
    expect(outcome.summary?.stopReason).toBe('short_page');
  });

  it('keeps going when the envelope says the store capped per_page below the request', async () => {
    const records = catalogue(5);
    server.respondWith(({ query }) => {
      const page = Number(query.get('page'));
      const data = records.slice((page - 1) * 2, page * 2);
      return { json: { data, meta: { current_page: page, per_page: 2, total: 5, last_page: 3 } } };
    });
    const outcome = await crawl({ perPage: 10 });
    expect(outcome.pages.map((p) => p.ids)).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('resumes from startPage', async () => {
    server.respondWith(pagedStore(catalogue(5), 'array'));
    const outcome = await crawl({ perPage: 2, startPage: 2 });
    expect(outcome.pages.map((p) => p.page)).toEqual([2, 3]);
    expect(outcome.requestedPages).toEqual(['2', '3']);
  });

  it('fetches lazily, one page per step', async () => {
    server.respondWith(pagedStore(catalogue(10), 'array'));
    const generator = crawlPages(client, 'products', { perPage: 2 });
    await generator.next();
    expect(server.requests).toHaveLength(1);
    await generator.return({ pages: 1, records: 2, stopReason: 'short_page', complete: true });
    expect(server.requests).toHaveLength(1);
  });

  it.each(['array', 'envelope'] as const)(
    'stops, without claiming the end, when a %s store ignores page',
    async (shape) => {
      server.respondWith(pagedStore(catalogue(5), shape, { ignorePage: true }));
      const outcome = await crawl({ perPage: 2 });
      expect(outcome.error).toBeUndefined();
      expect(outcome.pages.map((p) => p.page)).toEqual([1]);
      expect(outcome.requestedPages).toEqual(['1', '2']);
      expect(outcome.summary).toEqual({ pages: 1, records: 2, stopReason: 'repeated_page', complete: false });
    },
  );

  /** A bare-array store serving at most `cap` records a page whatever is asked, like many real ones. */
  const cappedArrayStore =
    (records: readonly unknown[], cap: number, pastTheEnd: 'empty' | 'clamp' = 'empty') =>
    ({ query }: { query: URLSearchParams }) => {
      const size = Math.min(cap, Number(query.get('per_page')));
      const lastPage = Math.max(1, Math.ceil(records.length / size));
      const asked = Number(query.get('page'));
      const page = pastTheEnd === 'clamp' ? Math.min(asked, lastPage) : asked;
      return { json: records.slice((page - 1) * size, page * size) };
    };

  it('crawls every page of a store that caps per_page below the request without saying so', async () => {
    server.respondWith(cappedArrayStore(catalogue(61), 25));
    const outcome = await crawl({ perPage: 50 });
    expect(outcome.pages.map((p) => p.ids.length)).toEqual([25, 25, 11]);
    expect(outcome.summary).toEqual({ pages: 3, records: 61, stopReason: 'short_page', complete: true });
  });

  it('ends a silently capped crawl on the empty page after a full last page', async () => {
    server.respondWith(cappedArrayStore(catalogue(50), 25));
    const outcome = await crawl({ perPage: 50 });
    expect(outcome.pages.map((p) => p.ids.length)).toEqual([25, 25]);
    expect(outcome.requestedPages).toEqual(['1', '2', '3']);
    expect(outcome.summary).toEqual({ pages: 2, records: 50, stopReason: 'empty_page', complete: true });
  });

  it('ends on a clamped page past the end without claiming the end', async () => {
    server.respondWith(cappedArrayStore(catalogue(50), 25, 'clamp'));
    const outcome = await crawl({ perPage: 50 });
    expect(outcome.pages.map((p) => p.page)).toEqual([1, 2]);
    expect(outcome.summary).toEqual({ pages: 2, records: 50, stopReason: 'repeated_page', complete: false });
  });

  it("takes a clamped page for the end when the records read add up to the store's total", async () => {
    const records = catalogue(4);
    server.respondWith(({ query }) => {
      const page = Math.min(Number(query.get('page')), 2);
      // last_page overstated: only the repeat tells the end, and the total confirms it.
      const meta = { current_page: page, per_page: 2, total: 4, last_page: 9 };
      return { json: { data: records.slice((page - 1) * 2, page * 2), meta } };
    });
    const outcome = await crawl({ perPage: 2 });
    expect(outcome.summary).toEqual({ pages: 2, records: 4, stopReason: 'repeated_page', complete: true });
  });

  it('stops a store cycling through its pages at the first page served again', async () => {
    server.respondWith(({ query }) => {
      const page = ((Number(query.get('page')) - 1) % 2) + 1;
      return { json: [{ id: `${page}-a` }, { id: `${page}-b` }] };
    });
    const outcome = await crawl({ perPage: 2 });
    expect(outcome.requestedPages).toEqual(['1', '2', '3']);
    expect(outcome.summary).toEqual({ pages: 2, records: 4, stopReason: 'repeated_page', complete: false });
  });

  // Found by the crawl property suite: one-record pages listing a record twice looked like a clamped store.
  it('reads on past a page repeated by a store that names the page it serves as the one asked', async () => {
    const listing = [{ id: 'a' }, { id: 'a' }, { id: 'b' }];
    server.respondWith(({ query }) => {
      const page = Number(query.get('page'));
      const meta = { current_page: page, per_page: 1, last_page: listing.length };
      return { json: { data: listing.slice(page - 1, page), meta } };
    });
    const outcome = await crawl({ perPage: 1 });
    expect(outcome.pages.map((p) => p.ids)).toEqual([['a'], ['a'], ['b']]);
    expect(outcome.summary).toEqual({ pages: 3, records: 3, stopReason: 'last_page', complete: true });
  });

  it('learns a larger page size from a later page than the first', async () => {
    const sizes = [2, 3, 3, 1];
    server.respondWith(({ query }) => {
      const page = Number(query.get('page'));
      return { json: Array.from({ length: sizes[page - 1] ?? 0 }, (_, i) => ({ id: `${page}-${i}` })) };
    });
    const outcome = await crawl({ perPage: 5 });
    expect(outcome.pages.map((p) => p.ids.length)).toEqual([2, 3, 3, 1]);
    expect(outcome.summary).toMatchObject({ stopReason: 'short_page', complete: true });
  });

  it('fails a store that invents records without end at the record ceiling', async () => {
    server.respondWith(({ query }) => ({
      json: [{ id: `${query.get('page')}-a` }, { id: `${query.get('page')}-b` }],
    }));
    const outcome = await crawl({ perPage: 2, maxRecords: 5 });
    expect(outcome.pages.map((p) => p.page)).toEqual([1, 2]);
    expect(outcome.error).toMatchObject({ kind: StoreCrawlErrorKind.RecordLimit, page: 3 });
    expect((outcome.error as Error).message).toBe(
      'Crawling products stopped at page 3: more than 5 products; the store seems to invent records without end, so nothing is deleted',
    );
  });

  it('has no page limit of its own', async () => {
    const source: StorePageSource = {
      getPage: async (_entity, page) => ({ records: page <= 12_000 ? [{ id: page }] : [], shape: 'array' }),
    };
    const generator = crawlPages(source, 'products', { perPage: 1 });
    let next = await generator.next();
    while (!next.done) {
      next = await generator.next();
    }
    expect(next.value).toEqual({ pages: 12_000, records: 12_000, stopReason: 'empty_page', complete: true });
  });

  it('counts a page budget from the resume point', async () => {
    server.respondWith(({ query }) => ({ json: [{ id: `${query.get('page')}` }] }));
    const outcome = await crawl({ perPage: 1, maxPages: 2, startPage: 7 });
    expect(outcome.requestedPages).toEqual(['7', '8']);
    expect(outcome.error).toMatchObject({ kind: StoreCrawlErrorKind.PageLimit, page: 9 });
  });

  it('passes store errors through', async () => {
    server.respondWith(({ query }) => (query.get('page') === '1' ? { json: [{ id: 1 }] } : { status: 401 }));
    const outcome = await crawl({ perPage: 1 });
    expect(outcome.pages).toHaveLength(1);
    expect(outcome.error).toMatchObject({ kind: 'unauthorized' });
  });

  it.each<[string, CrawlOptions]>([
    ['startPage 0', { startPage: 0 }],
    ['maxPages 0', { maxPages: 0 }],
    ['maxRecords 0', { maxRecords: 0 }],
    ['perPage 101', { perPage: 101 }],
  ])('refuses %s', async (_label, options) => {
    const outcome = await crawl(options);
    expect(outcome.error).toBeInstanceOf(Error);
    expect(server.requests).toHaveLength(0);
  });
});

describe('crawlPages with several pages in flight', () => {
  interface Asked {
    page: number;
    signal?: AbortSignal;
    answer(page: StorePage | Error): void;
  }

  /** A source whose pages the test answers by hand, in any order. */
  function handAnsweredSource(): { source: StorePageSource; asked: Asked[] } {
    const asked: Asked[] = [];
    const source: StorePageSource = {
      getPage: (_entity, page, _perPage, options) =>
        new Promise<StorePage>((resolve, reject) => {
          asked.push({
            page,
            signal: options?.signal,
            answer: (reply) => (reply instanceof Error ? reject(reply) : resolve(reply)),
          });
        }),
    };
    return { source, asked };
  }

  const arrayPage = (...ids: number[]): StorePage => ({ records: ids.map((id) => ({ id })), shape: 'array' });
  const askedFor = (asked: Asked[], page: number): Asked => {
    const found = asked.find((entry) => entry.page === page);
    if (!found) {
      throw new Error(`page ${page} was not asked for`);
    }
    return found;
  };
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('asks for the next pages while one is awaited, and yields every page in order', async () => {
    const { source, asked } = handAnsweredSource();
    const crawl = crawlPages(source, 'products', { perPage: 2, pagesInFlight: 3 });
    const first = crawl.next();
    await settle();
    expect(asked.map((entry) => entry.page)).toEqual([1, 2, 3]);

    // Answered out of order: still yielded in page order.
    askedFor(asked, 3).answer(arrayPage(5));
    askedFor(asked, 2).answer(arrayPage(3, 4));
    askedFor(asked, 1).answer(arrayPage(1, 2));
    const pages = [(await first).value];
    for (let next = await crawl.next(); !next.done; next = await crawl.next()) {
      pages.push(next.value);
      await settle();
    }

    expect(pages.map((page) => (page as CrawledPage).records)).toEqual([
      [{ id: 1 }, { id: 2 }],
      [{ id: 3 }, { id: 4 }],
      [{ id: 5 }],
    ]);
  });

  it('drops and cancels the pages asked for past the end, a failing one included', async () => {
    const { source, asked } = handAnsweredSource();
    const crawl = crawlPages(source, 'products', { perPage: 2, pagesInFlight: 3 });
    const first = crawl.next();
    await settle();
    askedFor(asked, 1).answer(arrayPage(1, 2));
    askedFor(asked, 2).answer(arrayPage(3));
    expect((await first).done).toBe(false);
    const second = await crawl.next();
    expect((second.value as CrawledPage).page).toBe(2);
    await settle();
    askedFor(asked, 3).answer(new Error('HTTP 500 past the end'));

    // Page 2 was short: the crawl ends there.
    await expect(crawl.next()).resolves.toEqual({
      done: true,
      value: { pages: 2, records: 3, stopReason: 'short_page', complete: true },
    });
    expect(asked.map((entry) => entry.page)).toEqual([1, 2, 3, 4]);
    expect(askedFor(asked, 4).signal?.aborted).toBe(true);
  });

  it("asks for no page past an envelope's last page once one told it", async () => {
    const { source, asked } = handAnsweredSource();
    const envelopePage = (page: number): StorePage => ({
      records: [{ id: page }],
      shape: 'envelope',
      meta: { currentPage: page, lastPage: 3 },
    });
    const crawl = crawlPages(source, 'products', { perPage: 1, pagesInFlight: 2 });
    const first = crawl.next();
    await settle();
    askedFor(asked, 1).answer(envelopePage(1));
    await first;
    const second = crawl.next();
    await settle();
    askedFor(asked, 2).answer(envelopePage(2));
    await second;
    const third = crawl.next();
    await settle();
    askedFor(asked, 3).answer(envelopePage(3));
    await third;

    await expect(crawl.next()).resolves.toMatchObject({ done: true, value: { stopReason: 'last_page' } });
    expect(asked.map((entry) => entry.page)).toEqual([1, 2, 3]);
  });

  it('asks for no page past the page limit', async () => {
    const { source, asked } = handAnsweredSource();
    const crawl = crawlPages(source, 'products', { perPage: 1, pagesInFlight: 3, maxPages: 2 });
    const first = crawl.next();
    await settle();

    expect(asked.map((entry) => entry.page)).toEqual([1, 2]);
    askedFor(asked, 1).answer(arrayPage(1));
    await first;
    askedFor(asked, 2).answer(arrayPage(2));
    await crawl.next();
    await expect(crawl.next()).rejects.toMatchObject({ kind: StoreCrawlErrorKind.PageLimit, page: 3 });
  });

  it('refuses pagesInFlight 0', async () => {
    const { source } = handAnsweredSource();
    await expect(crawlPages(source, 'products', { pagesInFlight: 0 }).next()).rejects.toThrow(RangeError);
  });
});

describe('readAhead', () => {
  /** A source that logs when each item is asked for and produced. */
  async function* source(log: string[], items: number, failAt?: number): AsyncGenerator<number> {
    for (let item = 1; item <= items; item += 1) {
      log.push(`read ${item}`);
      await new Promise((resolve) => setImmediate(resolve));
      if (item === failAt) {
        throw new Error(`item ${item} failed`);
      }
      yield item;
    }
  }

  it("returns the source's return value", async () => {
    async function* counted(): AsyncGenerator<number, string, undefined> {
      yield 1;
      return 'done';
    }
    const iterator = readAhead(counted());
    await iterator.next();
    await expect(iterator.next()).resolves.toEqual({ done: true, value: 'done' });
  });

  it('asks for the next item while the caller works on the current one, and yields all in order', async () => {
    const log: string[] = [];

    for await (const item of readAhead(source(log, 3))) {
      await new Promise((resolve) => setImmediate(resolve));
      log.push(`used ${item}`);
    }

    expect(log).toEqual(['read 1', 'read 2', 'used 1', 'read 3', 'used 2', 'used 3']);
  });

  it('surfaces a failure of the item read ahead only after the caller used the one before', async () => {
    const log: string[] = [];
    const used: number[] = [];

    await expect(async () => {
      for await (const item of readAhead(source(log, 3, 2))) {
        used.push(item);
      }
    }).rejects.toThrow('item 2 failed');
    expect(used).toEqual([1]);
  });

  it('closes the source when the caller stops early', async () => {
    const log: string[] = [];
    const iterator = source(log, 5);

    for await (const item of readAhead(iterator)) {
      if (item === 2) {
        break;
      }
    }

    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(log).toEqual(['read 1', 'read 2', 'read 3']);
  });
});
