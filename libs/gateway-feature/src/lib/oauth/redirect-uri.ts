/**
 * Shopimind.md §8: the browser only ever goes back to an allow-listed `redirect_uri`, compared as an exact
 * string (no prefix or pattern matching, which open-redirect attacks thrive on).
 */
export function isAllowedRedirectUri(redirectUri: string, allowList: readonly string[]): boolean {
  return allowList.includes(redirectUri);
}

/** `redirectUri` with the given parameters set in its query (its own parameters are kept). */
export function callbackUrl(redirectUri: string, params: Readonly<Record<string, string>>): string {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) {
    url.searchParams.set(key, value);
  }
  return url.toString();
}

/** Origins the consent form may end up at after its redirect (the CSP `form-action` covers redirects too). */
export function redirectOrigins(allowList: readonly string[]): string[] {
  const origins = allowList.flatMap((uri) => (URL.canParse(uri) ? [new URL(uri).origin] : []));
  return [...new Set(origins)];
}
