import {
  durationInWords,
  errorInWords,
  progressBar,
  progressInWords,
  runOutcomeInWords,
  stopReasonInWords,
  timeInWords,
} from './plain-words';

const PROGRESS = {
  pagesDone: 2,
  nextPage: 3,
  elapsedSeconds: 20,
  recordsPerSecond: 10,
  expectedPages: 4,
  expectedRecords: 400,
  estimatedSecondsLeft: 200,
};

describe('plain words', () => {
  it.each([
    [
      'GET /api/products failed after 3 attempts: HTTP 401: the store rejected the credential',
      /refused our credential/,
    ],
    ['GET /api/orders failed: HTTP 403: the credential is not allowed to read this endpoint', /not allowed/],
    [
      'GET /api/products failed: HTTP 404: no such endpoint (check the base URL and the endpoint path)',
      /no such address/,
    ],
    ['GET /api/products failed after 5 attempts: HTTP 429: rate limited by the store', /slow down/],
    ['GET /api/products failed after 5 attempts: HTTP 503: store server error', /server kept failing/],
    ['GET /api/products failed: HTTP 200 body is not JSON (text/html)', /web page instead of data/],
    ['GET /api/products failed: no complete response within 30000 ms', /too long/],
    ['GET /api/products failed: connection refused (ECONNREFUSED)', /could not reach the store/],
    ['store_base_url host shop.invalid could not be resolved', /store URL was refused/],
    [
      'Crawling products stopped at page 5001: more than 500000 records',
      /more records than any real catalogue/,
    ],
  ])('words %s', (error, sentence) => {
    expect(errorInWords(error)).toMatch(sentence);
  });

  it('keeps an unknown error as it is', () => {
    expect(errorInWords('something new')).toBe('something new');
  });

  it('words every stop rule, and keeps an unknown one', () => {
    for (const reason of ['short_page', 'last_page', 'empty_page', 'repeated_page']) {
      expect(stopReasonInWords(reason)).not.toContain(reason);
    }
    expect(stopReasonInWords('odd_rule')).toBe('Stopped: odd_rule.');
  });

  it('tells how a run ended; nothing while it runs', () => {
    expect(runOutcomeInWords({ status: 'running', stopReason: null, error: null })).toBeNull();
    expect(runOutcomeInWords({ status: 'failed', stopReason: null, error: null })).toBe(
      'The synchronisation failed.',
    );
    expect(runOutcomeInWords({ status: 'succeeded', stopReason: 'last_page', error: null })).toMatch(
      /last page/,
    );
  });

  it('words durations and times', () => {
    expect([45, 60, 190, 7_500].map(durationInWords)).toEqual(['45 s', '1 min', '3 min 10 s', '2 h 5 min']);
    expect(timeInWords('2030-01-01T10:00:00.000Z')).toBe('2030-01-01 10:00:00 UTC');
  });

  it('measures the bar against the last complete crawl, without a maximum when there was none', () => {
    expect(progressBar(PROGRESS)).toEqual({ value: 2, max: 4 });
    expect(progressBar({ ...PROGRESS, pagesDone: 6 })).toEqual({ value: 6, max: 6 });
    expect(progressBar({ ...PROGRESS, expectedPages: null })).toEqual({ value: 2, max: null });
  });

  it('words the progress with what is known', () => {
    expect(progressInWords(PROGRESS, 200)).toBe(
      '2 of about 4 pages done · 200 records read · 10 records/s · about 3 min 20 s left',
    );
    expect(
      progressInWords(
        {
          ...PROGRESS,
          pagesDone: 1,
          expectedPages: null,
          recordsPerSecond: null,
          estimatedSecondsLeft: null,
        },
        1,
      ),
    ).toBe('1 page done · 1 record read');
  });
});
