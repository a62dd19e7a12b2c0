import { toSyncRunSummary } from './sync-runs';

describe('toSyncRunSummary', () => {
  it('reads a finished run as PostgreSQL serializes it with to_jsonb', () => {
    expect(
      toSyncRunSummary({
        id: 'c0a8012e-0000-4000-8000-000000000001',
        connection_id: 'c0a8012e-0000-4000-8000-000000000002',
        entity: 'products',
        trigger: 'activate',
        status: 'succeeded',
        next_page: 31,
        pages_fetched: 30,
        records_seen: 3000,
        records_valid: 2998,
        records_skipped: 2,
        records_changed: 2998,
        records_deleted: 0,
        warnings: { missing_price: 2 },
        timings: { fetchMs: 820, publishMs: 95, note: 'ignored' },
        error: null,
        started_at: '2025-03-01T10:00:00.123456+00:00',
        finished_at: '2025-03-01T10:00:04.623+00:00',
      }),
    ).toEqual({
      id: 'c0a8012e-0000-4000-8000-000000000001',
      entity: 'products',
      trigger: 'activate',
      status: 'succeeded',
      pagesFetched: 30,
      recordsSeen: 3000,
      recordsValid: 2998,
      recordsSkipped: 2,
      recordsChanged: 2998,
      recordsDeleted: 0,
      error: null,
      startedAt: new Date('2025-03-01T10:00:00.123Z'),
      finishedAt: new Date('2025-03-01T10:00:04.623Z'),
      timings: { fetchMs: 820, publishMs: 95 },
    });
  });

  it('reads a running run of an older schema (no timings column yet)', () => {
    const run = toSyncRunSummary({
      id: 'r1',
      entity: 'orders',
      trigger: 'store_webhook',
      status: 'running',
      pages_fetched: 2,
      error: null,
      started_at: '2025-03-01T10:00:00+00:00',
      finished_at: null,
    });
    expect(run).toMatchObject({
      status: 'running',
      pagesFetched: 2,
      recordsSeen: 0,
      finishedAt: null,
      timings: {},
    });
  });

  it('keeps the error of a failed run', () => {
    expect(toSyncRunSummary({ status: 'failed', error: 'store answered 500' }).error).toBe(
      'store answered 500',
    );
  });
});
