import { randomBytes } from 'node:crypto';
import { signedShopimindQueryString } from '@storebridge/security';
import { unixSeconds } from './lifecycle-driver';

/**
 * Plays ShopiMind and the merchant's browser in a Type B install (shopimind.md §8): builds the signed
 * authorize link, loads the consent page, submits the form and reads the 302 back to ShopiMind.
 * Plain `fetch` with manual redirects and a hand-kept cookie jar, so every step can be inspected.
 */

export const OAUTH_AUTHORIZE_PATH = '/oauth/authorize';
export const SANDBOX_OAUTH_REDIRECT_URI = 'https://app.shopimind.com/oauth/callback';

export interface AuthorizeUrlOptions {
  secret: string;
  /** Random by default. */
  state?: string;
  redirectUri?: string;
  /** Unix seconds, now by default; set it in the past to exercise the freshness check. */
  timestamp?: number;
  /** More parameters to sign and send, e.g. `shop_name`. */
  extra?: Readonly<Record<string, string>>;
  /** Sent instead of the computed `sig`, to exercise rejection. */
  signature?: string;
}

export function newOAuthState(): string {
  return `st_${randomBytes(16).toString('hex')}`;
}

/** `<gateway>/oauth/authorize?…&sig=…`, signed like ShopiMind signs it. */
export function buildAuthorizeUrl(gatewayUrl: string, options: AuthorizeUrlOptions): string {
  const params = {
    ...options.extra,
    state: options.state ?? newOAuthState(),
    redirect_uri: options.redirectUri ?? SANDBOX_OAUTH_REDIRECT_URI,
    ts: String(options.timestamp ?? unixSeconds()),
  };
  let query = signedShopimindQueryString(options.secret, params);
  if (options.signature !== undefined) {
    query = query.replace(/sig=[0-9a-f]*$/, `sig=${encodeURIComponent(options.signature)}`);
  }
  return `${gatewayUrl.replace(/\/+$/, '')}${OAUTH_AUTHORIZE_PATH}?${query}`;
}

/** One browser page: what a person would see, plus what a browser would keep. */
export interface BrowserPage {
  url: string;
  status: number;
  html: string;
  /** `Cookie` header value built from every `Set-Cookie` so far. */
  cookies: string;
  /** The first POST form of the page, with its hidden fields, or null when the page has none. */
  form: { action: string; hidden: Record<string, string> } | null;
  /** The items of the page's error box (`role="alert"`), or its heading and text for an error page. */
  errors: string[];
}

export interface ConsentFormInput {
  storeBaseUrl: string;
  authMethod: 'api_key' | 'bearer' | 'basic';
  token?: string;
  username?: string;
  password?: string;
  healthPath?: string;
  accountName?: string;
}

export interface ConsentSubmitResult {
  status: number;
  /** The `Location` of a redirect, null otherwise. */
  location: string | null;
  /** The page shown instead of a redirect (a re-rendered form or an error page). */
  page: BrowserPage;
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&#96;': '`',
};

function unescapeHtml(value: string): string {
  return value.replace(/&(amp|lt|gt|quot|#39|#96);/g, (entity) => ENTITIES[entity] ?? entity);
}

function textOf(html: string): string {
  return unescapeHtml(
    html
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match ? unescapeHtml(match[1]) : undefined;
}

function parseForm(html: string, pageUrl: string): BrowserPage['form'] {
  const form = /<form\b[^>]*\bmethod="post"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) {
    return null;
  }
  const action = attribute(form[0].slice(0, form[0].indexOf('>') + 1), 'action') ?? '';
  const hidden: Record<string, string> = {};
  for (const [tag] of form[1].matchAll(/<input\b[^>]*>/g)) {
    const name = attribute(tag, 'name');
    if (attribute(tag, 'type') === 'hidden' && name !== undefined) {
      hidden[name] = attribute(tag, 'value') ?? '';
    }
  }
  return { action: new URL(action, pageUrl).toString(), hidden };
}

function parseErrors(html: string): string[] {
  const alert = /<div class="errors" role="alert">([\s\S]*?)<\/div>/.exec(html);
  if (alert) {
    return [...alert[1].matchAll(/<li>([\s\S]*?)<\/li>/g)].map(([, item]) => textOf(item));
  }
  if (/<form\b/i.test(html)) {
    return [];
  }
  const main = /<main>([\s\S]*?)<\/main>/.exec(html);
  return main ? [textOf(main[1])] : [];
}

/** Merges a response's `Set-Cookie` headers into a `Cookie` header value (expired ones are dropped). */
function mergeCookies(previous: string, response: Response): string {
  const jar = new Map(
    previous
      .split(';')
      .map((part) => part.trim())
      .filter((part) => part.includes('='))
      .map((part) => [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)] as const),
  );
  for (const header of response.headers.getSetCookie()) {
    const [pair, ...attributes] = header.split(';');
    const separator = pair.indexOf('=');
    const name = pair.slice(0, separator).trim();
    const expired = attributes.some(
      (part) => /^\s*max-age=0\s*$/i.test(part) || /expires=Thu, 01 Jan 1970/i.test(part),
    );
    if (expired) {
      jar.delete(name);
    } else {
      jar.set(name, pair.slice(separator + 1).trim());
    }
  }
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}

async function toPage(url: string, response: Response, cookies: string): Promise<BrowserPage> {
  const html = await response.text();
  return {
    url,
    status: response.status,
    html,
    cookies: mergeCookies(cookies, response),
    form: parseForm(html, url),
    errors: parseErrors(html),
  };
}

/** GET the authorize link the way ShopiMind's redirect makes the browser do. */
export async function openConsentPage(
  authorizeUrl: string,
  options: { cookies?: string; timeoutMs?: number } = {},
): Promise<BrowserPage> {
  const response = await fetch(authorizeUrl, {
    redirect: 'manual',
    headers: { Accept: 'text/html', ...(options.cookies ? { Cookie: options.cookies } : {}) },
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  return toPage(authorizeUrl, response, options.cookies ?? '');
}

/** Fills the page's form (hidden fields as served, `overrides` win) and posts it, without following the redirect. */
export async function submitConsentForm(
  page: BrowserPage,
  input: ConsentFormInput,
  options: { overrides?: Readonly<Record<string, string>>; cookies?: string; timeoutMs?: number } = {},
): Promise<ConsentSubmitResult> {
  if (!page.form) {
    throw new Error(`The page has no form to submit (HTTP ${page.status}): ${page.errors.join(' ')}`);
  }
  const fields = new URLSearchParams({
    ...page.form.hidden,
    store_base_url: input.storeBaseUrl,
    store_auth_method: input.authMethod,
    store_api_token: input.token ?? '',
    store_username: input.username ?? '',
    store_password: input.password ?? '',
    health_path: input.healthPath ?? '/health',
    account_name: input.accountName ?? '',
    ...options.overrides,
  });
  const cookies = options.cookies ?? page.cookies;
  const response = await fetch(page.form.action, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      Accept: 'text/html',
      'Content-Type': 'application/x-www-form-urlencoded',
      ...(cookies ? { Cookie: cookies } : {}),
    },
    body: fields.toString(),
    signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
  });
  const location = response.status >= 300 && response.status < 400 ? response.headers.get('location') : null;
  return { status: response.status, location, page: await toPage(page.form.action, response, cookies) };
}

export interface OAuthFlowOptions extends AuthorizeUrlOptions {
  store: ConsentFormInput;
  timeoutMs?: number;
}

export interface OAuthFlowResult {
  externalAccountId: string;
  externalAccountName: string;
  state: string;
  /** Where the gateway sent the browser back to. */
  location: string;
}

/** A step of the flow did not end as ShopiMind expects; `errors` is what the merchant would read. */
export class OAuthFlowError extends Error {
  constructor(
    readonly step: 'authorize' | 'consent',
    readonly status: number,
    readonly errors: string[],
  ) {
    super(`OAuth ${step} step failed with HTTP ${status}: ${errors.join(' | ') || 'no details'}`);
    this.name = 'OAuthFlowError';
  }
}

/**
 * The whole happy path: signed link → consent page → form → 302 to `redirect_uri` carrying `state`,
 * `external_account_id` and `external_account_name` (what ShopiMind then sends back in `install`).
 */
export async function walkOAuthConsent(
  gatewayUrl: string,
  options: OAuthFlowOptions,
): Promise<OAuthFlowResult> {
  const state = options.state ?? newOAuthState();
  const redirectUri = options.redirectUri ?? SANDBOX_OAUTH_REDIRECT_URI;
  const page = await openConsentPage(
    buildAuthorizeUrl(gatewayUrl, { ...options, state, redirectUri }),
    options,
  );
  if (page.status !== 200 || !page.form) {
    throw new OAuthFlowError('authorize', page.status, page.errors);
  }
  const submitted = await submitConsentForm(page, options.store, { timeoutMs: options.timeoutMs });
  if (submitted.status !== 302 || !submitted.location) {
    throw new OAuthFlowError('consent', submitted.status, submitted.page.errors);
  }
  const location = new URL(submitted.location);
  const expected = new URL(redirectUri);
  if (location.origin !== expected.origin || location.pathname !== expected.pathname) {
    throw new Error(
      `The gateway redirected to ${location.origin}${location.pathname}, not to ${redirectUri}`,
    );
  }
  const returned = location.searchParams;
  const externalAccountId = returned.get('external_account_id');
  if (returned.get('state') !== state || !externalAccountId) {
    throw new Error(`The redirect lacks the state or the external account: ${submitted.location}`);
  }
  return {
    externalAccountId,
    externalAccountName: returned.get('external_account_name') ?? '',
    state,
    location: submitted.location,
  };
}
