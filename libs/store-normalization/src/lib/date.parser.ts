/**
 * ISO 8601 date-time, with `T` or a space between date and time (SQL style). Without an offset the
 * time is read as UTC: reading it in the server's zone would make the result depend on where we run.
 */
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Below this a unix timestamp is taken as seconds (year 5138), at or above as milliseconds (1973 onward). */
const SECONDS_LIMIT = 1e11;

/**
 * A date as ISO 8601 UTC (`2024-01-31T09:30:00.000Z`), from an ISO string or a unix timestamp in
 * seconds or milliseconds (number or digit string); `undefined` when it cannot be read (spec §6).
 */
export function parseDate(value: unknown): string | undefined {
  if (typeof value === 'number') {
    return fromEpoch(value);
  }
  if (typeof value !== 'string') {
    return undefined;
  }
  const text = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) {
    return fromEpoch(Number(text));
  }
  return fromIso(text);
}

function fromEpoch(value: number): string | undefined {
  if (!Number.isFinite(value) || value < 0) {
    return undefined;
  }
  return toIso(value < SECONDS_LIMIT ? Math.round(value * 1000) : Math.round(value));
}

/** The form `toIso` writes (years from 1000), which most stores send too. */
const CANONICAL_ISO = /^[1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number written by the digits of `text` from `start` to `end` (exclusive). */
function digitsAt(text: string, start: number, end: number): number {
  let value = 0;
  for (let index = start; index < end; index += 1) {
    value = value * 10 + text.charCodeAt(index) - 48;
  }
  return value;
}

/** Whether the calendar date and the time of day exist: no 2023-02-29, no 2024-04-31, no 24:00, no second 60. */
function isExistingTime(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) {
    return false;
  }
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1]);
}

function fromIso(text: string): string | undefined {
  // Already what we would write, if it exists: as is, told from its digits (no Date to build and format, as two or
  // three dates of every record of every crawled page would). Anything else goes the long way.
  if (
    CANONICAL_ISO.test(text) &&
    isExistingTime(
      digitsAt(text, 0, 4),
      digitsAt(text, 5, 7),
      digitsAt(text, 8, 10),
      digitsAt(text, 11, 13),
      digitsAt(text, 14, 16),
      digitsAt(text, 17, 19),
    )
  ) {
    return text;
  }
  const match = ISO_DATE.exec(text);
  if (!match) {
    return undefined;
  }
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', offset = 'Z'] = match;
  const parts = [year, month, day, hour, minute, second].map(Number);
  const [y, mo, d, h, mi, s] = parts;
  // Date.UTC would roll 2024-02-30 over to March, and read years 0-99 as 1900-1999: both are refused instead.
  if (!isExistingTime(y, mo, d, h, mi, s) || new Date(Date.UTC(y, mo - 1, 1)).getUTCFullYear() !== y) {
    return undefined;
  }
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  return toIso(utc - offsetMinutes(offset) * 60_000);
}

function offsetMinutes(offset: string): number {
  if (offset.toUpperCase() === 'Z') {
    return 0;
  }
  const digits = offset.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return offset.startsWith('-') ? -minutes : minutes;
}

function toIso(epochMs: number): string | undefined {
  const date = new Date(epochMs);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
