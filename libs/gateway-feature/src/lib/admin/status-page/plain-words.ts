import type { CrawlProgressView, SyncRunView } from '../connection-report';

/*
 * Sync runs told in sentences a merchant can act on. The rows keep the crawl's stop rule and the failure's
 * message as the store client words it (`GET /api/products failed after 3 attempts: HTTP 401: …`): known ones
 * become a sentence, anything else is shown as it is.
 */

const STOP_REASONS: Readonly<Record<string, string>> = {
  short_page: 'Read to the end: the last page had fewer records than a full page.',
  last_page: 'Read to the end: the store said this was its last page.',
  empty_page: 'Read to the end: the store answered an empty page after its last records.',
  repeated_page:
    'Stopped on a page that repeats an earlier one: the store may ignore the page number, so nothing was deleted.',
};

const ERROR_SENTENCES: ReadonlyArray<readonly [RegExp, string]> = [
  [/HTTP 401\b/, 'The store refused our credential: check the API key or password in the configuration.'],
  [/HTTP 403\b/, 'The credential is not allowed to read this data: check its permissions in the store.'],
  [/HTTP 404\b/, 'The store has no such address: check the store URL and the endpoint path.'],
  [
    /HTTP 429\b/,
    'The store kept asking us to slow down (rate limited); the next synchronisation tries again.',
  ],
  [/HTTP 5\d\d\b/, "The store's server kept failing; the next synchronisation tries again."],
  [/redirects to/, 'The store redirects to another address: use that address as the store URL.'],
  [
    /body is not JSON/,
    'The store answered a web page instead of data: the store URL or path is probably wrong.',
  ],
  [/no complete response within/, 'The store took too long to answer.'],
  [/response body is larger than/, 'A page from the store was too large to read.'],
  [/store_base_url/, 'The store URL was refused.'],
  [
    /^Crawling \w+ stopped at page/,
    'The synchronisation was stopped: the store kept sending more records than any real catalogue has.',
  ],
  [
    /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH)\b/,
    'We could not reach the store.',
  ],
  [/CERT|TLS|SSL/, "The store's HTTPS certificate was not accepted."],
];

export function stopReasonInWords(stopReason: string): string {
  return STOP_REASONS[stopReason] ?? `Stopped: ${stopReason}.`;
}

/** The first matching sentence, or the message itself. */
export function errorInWords(error: string): string {
  return ERROR_SENTENCES.find(([pattern]) => pattern.test(error))?.[1] ?? error;
}

const STATUS_WORDS: Readonly<Record<SyncRunView['status'], string>> = {
  running: 'Running',
  succeeded: 'Finished',
  failed: 'Failed',
};

export function runStatusInWords(status: SyncRunView['status']): string {
  return STATUS_WORDS[status] ?? status;
}

/** How the run ended, in one or two sentences; null while it runs. */
export function runOutcomeInWords(run: Pick<SyncRunView, 'status' | 'stopReason' | 'error'>): string | null {
  if (run.status === 'failed') {
    return run.error === null ? 'The synchronisation failed.' : errorInWords(run.error);
  }
  if (run.status === 'succeeded') {
    return run.stopReason === null ? 'Finished.' : stopReasonInWords(run.stopReason);
  }
  return null;
}

export function runCountsInWords(counts: SyncRunView['counts']): string {
  const parts = [
    plural(counts.pagesFetched, 'page'),
    `${plural(counts.recordsSeen, 'record')} read`,
    `${counts.recordsValid} valid`,
    `${counts.recordsSkipped} skipped`,
    `${counts.recordsChanged} changed`,
    `${counts.recordsDeleted} deleted`,
  ];
  if (counts.deletionsHeld > 0) {
    parts.push(`${plural(counts.deletionsHeld, 'deletion')} held back (an unusual share went missing)`);
  }
  return parts.join(', ');
}

/** `45 s`, `3 min 10 s`, `2 h 5 min`. */
export function durationInWords(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  if (seconds < 60) {
    return `${seconds} s`;
  }
  if (seconds < 3600) {
    const rest = seconds % 60;
    return rest === 0 ? `${Math.floor(seconds / 60)} min` : `${Math.floor(seconds / 60)} min ${rest} s`;
  }
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

/** `2026-12-05 20:37:03 UTC` from an ISO date. */
export function timeInWords(iso: string): string {
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');
}

/**
 * A `<progress>` of pages: against the pages of the last complete crawl when there was one (a crawl past that
 * count fills the bar), else no maximum (an indeterminate bar).
 */
export interface ProgressBar {
  value: number;
  max: number | null;
}

export function progressBar(progress: CrawlProgressView): ProgressBar {
  if (progress.expectedPages === null || progress.expectedPages <= 0) {
    return { value: progress.pagesDone, max: null };
  }
  return { value: progress.pagesDone, max: Math.max(progress.expectedPages, progress.pagesDone) };
}

/** `Page 2 of about 4 done · 200 records read · 12.5 records/s · about 3 min left`. */
export function progressInWords(progress: CrawlProgressView, recordsSeen: number): string {
  const pages =
    progress.expectedPages !== null && progress.expectedPages >= progress.pagesDone
      ? `${progress.pagesDone} of about ${plural(progress.expectedPages, 'page')} done`
      : `${plural(progress.pagesDone, 'page')} done`;
  const parts = [pages, `${plural(recordsSeen, 'record')} read`];
  if (progress.recordsPerSecond !== null) {
    parts.push(`${progress.recordsPerSecond} records/s`);
  }
  if (progress.estimatedSecondsLeft !== null) {
    parts.push(`about ${durationInWords(progress.estimatedSecondsLeft)} left`);
  }
  return parts.join(' · ');
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
