/**
 * The version of what normalization makes of a store record. A crawl trusts a page fingerprint (the same body as
 * last time, so the same records) only when it was taken with this version: bumped whenever a release normalizes
 * some record differently, so that the next crawl normalizes every page again. normalization-version.spec.ts
 * fails on such a change until it is bumped.
 */
export const NORMALIZATION_VERSION = 2;
