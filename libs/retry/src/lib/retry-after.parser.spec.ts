import { MAX_RETRY_AFTER_MS, parseRetryAfterMs } from './retry-after.parser';

const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('parseRetryAfterMs', () => {
  it.each<[string, string | null | undefined, number | undefined]>([
    ['zero seconds', '0', 0],
    ['seconds', '3', 3_000],
    ['seconds with spaces', ' 12 ', 12_000],
    ['one minute', '60', 60_000],
    ['seconds above the cap', '61', MAX_RETRY_AFTER_MS],
    ['a day', '86400', MAX_RETRY_AFTER_MS],
    ['an IMF-fixdate', 'Sun, 01 Mar 2026 12:00:30 GMT', 30_000],
    ['an RFC 850 date', 'Sunday, 01-Mar-26 12:00:07 GMT', 7_000],
    ['an asctime date, read as GMT', 'Sun Mar  1 12:00:05 2026', 5_000],
    ['a date above the cap', 'Sun, 01 Mar 2026 13:00:00 GMT', MAX_RETRY_AFTER_MS],
    // A date already past: retry now.
    ['a past date', 'Sun, 01 Mar 2026 11:59:00 GMT', 0],
    ['a negative number', '-1', undefined],
    ['a fraction', '1.5', undefined],
    ['an empty header', '', undefined],
    ['a word', 'later', undefined],
    ['a day name only', 'Sunday soon', undefined],
    ['null (Headers.get)', null, undefined],
    ['undefined (no header)', undefined, undefined],
  ])('reads %s (%p) as %p ms', (_label, header, expected) => {
    expect(parseRetryAfterMs(header, NOW)).toBe(expected);
  });

  describe('in a time zone other than GMT', () => {
    const zone = process.env['TZ'];

    beforeAll(() => {
      process.env['TZ'] = 'America/New_York';
    });

    afterAll(() => {
      process.env['TZ'] = zone;
    });

    it('still reads an asctime date as GMT', () => {
      expect(parseRetryAfterMs('Sun Mar  1 12:00:05 2026', NOW)).toBe(5_000);
    });
  });

  it('measures a date from the current time by default', () => {
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    // The header has whole seconds, so up to one second less than asked.
    expect(parseRetryAfterMs(inTenSeconds)).toBeGreaterThan(8_000);
    expect(parseRetryAfterMs(inTenSeconds)).toBeLessThanOrEqual(10_000);
  });
});
