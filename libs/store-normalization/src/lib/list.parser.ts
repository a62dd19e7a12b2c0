import { isRecord } from '@storebridge/untrusted-input';

/**
 * Categories and tags (spec §6): an array, or a comma-separated string split on commas.
 * Array items may be strings, numbers or objects with a `name` (WooCommerce style). Items are
 * trimmed and empties dropped; `undefined` when the value has none of these shapes.
 */
export function parseNameList(value: unknown): string[] | undefined {
  if (typeof value === 'string') {
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }
  if (isRecord(value)) {
    return parseNameList([value]);
  }
  if (!Array.isArray(value)) {
    return undefined;
  }
  const names: string[] = [];
  for (const item of value) {
    const name = nameOf(item);
    if (name !== undefined && name !== '') {
      names.push(name);
    }
  }
  return names;
}

function nameOf(item: unknown): string | undefined {
  if (typeof item === 'string') {
    return item.trim();
  }
  if (typeof item === 'number' && Number.isFinite(item)) {
    return String(item);
  }
  if (isRecord(item) && typeof item['name'] === 'string') {
    return item['name'].trim();
  }
  return undefined;
}

export interface ImageList {
  urls: string[];
  /** Items that were not an absolute http(s) URL, counted for a warning. */
  dropped: number;
}

/**
 * Images (spec §4: absolute URLs): an array of URLs or of objects with `src` or `url`, or one URL.
 * Protocol-relative URLs (`//cdn…`, common on hosted stores) take the store's scheme; anything
 * else that is not an absolute http(s) URL is dropped.
 */
export function parseImageUrls(value: unknown, baseUrl: string): ImageList | undefined {
  const items = typeof value === 'string' || isRecord(value) ? [value] : value;
  if (!Array.isArray(items)) {
    return undefined;
  }
  const urls: string[] = [];
  let dropped = 0;
  for (const item of items) {
    const candidate = isRecord(item) ? (item['src'] ?? item['url']) : item;
    const url = typeof candidate === 'string' ? absoluteHttpUrl(candidate, baseUrl) : undefined;
    if (url === undefined) {
      dropped += 1;
    } else {
      urls.push(url);
    }
  }
  return { urls, dropped };
}

/** An absolute http(s) URL (normalized by WHATWG URL), a `//host/…` URL with the store's scheme, else `undefined`. */
export function absoluteHttpUrl(text: string, baseUrl: string): string | undefined {
  const trimmed = text.trim();
  const candidate = trimmed.startsWith('//') ? `${new URL(baseUrl).protocol}${trimmed}` : trimmed;
  if (!/^https?:\/\//i.test(candidate)) {
    return undefined;
  }
  try {
    const url = new URL(candidate);
    return url.host === '' ? undefined : url.href;
  } catch {
    return undefined;
  }
}
