import { STORE_AUTH_METHODS, type StoreAuthMethod } from '@storebridge/persistence';
import { escapeHtml, renderHtmlPage } from '../html/html-page';
import { AUTHORIZATION_ID_FIELD, CONSENT_FORM_ACTION, CSRF_TOKEN_FIELD } from './oauth.constants';

/**
 * The two browser pages of the Type B flow (shopimind.md §8), as pure functions of their model. No JavaScript;
 * every interpolated value goes through `escapeHtml`, including the ones we generated ourselves.
 */

/** Where the OAuth specs and older callers find it. */
export { escapeHtml };

/** What the merchant typed, minus the secrets (token and password are never sent back to the browser). */
export interface ConsentFormValues {
  accountName: string;
  storeBaseUrl: string;
  storeAuthMethod: StoreAuthMethod;
  storeUsername: string;
  healthPath: string;
}

export const EMPTY_CONSENT_FORM: Readonly<ConsentFormValues> = Object.freeze({
  accountName: '',
  storeBaseUrl: '',
  storeAuthMethod: 'api_key',
  storeUsername: '',
  healthPath: '/health',
});

export interface ConsentPageModel {
  authorizationId: string;
  csrfToken: string;
  /** ShopiMind's `shop_name`, when it sent one. */
  shopName: string | null;
  values: ConsentFormValues;
  /** Why the last submission failed, one sentence each; empty on the first display. */
  errors: readonly string[];
}

const AUTH_METHOD_LABELS: Readonly<Record<StoreAuthMethod, string>> = {
  api_key: 'API key (X-API-Key header)',
  bearer: 'Bearer token (Authorization: Bearer)',
  basic: 'Basic authentication (username and password)',
};

const STYLE = `
  body { font-family: system-ui, sans-serif; background: #f5f6f8; color: #1d2430; margin: 0; }
  main { max-width: 34rem; margin: 3rem auto; background: #fff; padding: 2rem; border-radius: 8px;
         box-shadow: 0 1px 4px rgba(0, 0, 0, .08); }
  h1 { font-size: 1.4rem; margin-top: 0; }
  label { display: block; margin: 1rem 0 .3rem; font-weight: 600; }
  input, select { width: 100%; box-sizing: border-box; padding: .5rem; font: inherit; }
  fieldset { border: 1px solid #d9dde3; border-radius: 6px; margin: 1rem 0; padding: 0 1rem 1rem; }
  .hint { color: #5b6472; font-size: .9rem; font-weight: 400; }
  .errors { background: #fdecec; border: 1px solid #f1a9a9; border-radius: 6px; padding: .5rem 1rem; }
  button { margin-top: 1.5rem; padding: .7rem 1.2rem; font: inherit; font-weight: 600; cursor: pointer; }
`;

function layout(title: string, body: string): string {
  return renderHtmlPage({ title, style: STYLE, body });
}

function textInput(name: string, label: string, value: string, attributes = '', hint = ''): string {
  const hintHtml = hint ? ` <span class="hint">${escapeHtml(hint)}</span>` : '';
  const id = escapeHtml(name);
  return `<label for="${id}">${escapeHtml(label)}${hintHtml}</label>
<input id="${id}" name="${id}" value="${escapeHtml(value)}" ${attributes}>`;
}

/** A secret field always starts empty: what the merchant typed is never echoed into the page. */
function secretInput(name: string, label: string): string {
  const id = escapeHtml(name);
  return `<label for="${id}">${escapeHtml(label)}</label>
<input id="${id}" name="${id}" type="password" value="" autocomplete="off">`;
}

function authMethodSelect(selected: StoreAuthMethod): string {
  const options = STORE_AUTH_METHODS.map(
    (method) =>
      `<option value="${escapeHtml(method)}"${method === selected ? ' selected' : ''}>${escapeHtml(AUTH_METHOD_LABELS[method])}</option>`,
  ).join('');
  return `<label for="store_auth_method">Authentication</label>
<select id="store_auth_method" name="store_auth_method">${options}</select>`;
}

function errorList(errors: readonly string[]): string {
  if (errors.length === 0) {
    return '';
  }
  const items = errors.map((error) => `<li>${escapeHtml(error)}</li>`).join('');
  return `<div class="errors" role="alert"><p>We could not connect your store:</p><ul>${items}</ul></div>`;
}

export function renderConsentPage(model: ConsentPageModel): string {
  const { values } = model;
  const requester = model.shopName
    ? `ShopiMind asks to connect the shop <strong>${escapeHtml(model.shopName)}</strong> to your store.`
    : 'ShopiMind asks to connect your store.';
  const body = `<h1>Connect your store to ShopiMind</h1>
<p>${requester} Enter how we reach your store's API: we test the connection before anything is saved.</p>
${errorList(model.errors)}
<form method="post" action="${escapeHtml(CONSENT_FORM_ACTION)}" autocomplete="off">
<input type="hidden" name="${escapeHtml(AUTHORIZATION_ID_FIELD)}" value="${escapeHtml(model.authorizationId)}">
<input type="hidden" name="${escapeHtml(CSRF_TOKEN_FIELD)}" value="${escapeHtml(model.csrfToken)}">
${textInput('store_base_url', 'Store URL', values.storeBaseUrl, 'type="url" required placeholder="https://shop.example.com"', 'scheme and host only')}
${authMethodSelect(values.storeAuthMethod)}
<fieldset>
<legend>API key or bearer token</legend>
${secretInput('store_api_token', 'Key or token')}
</fieldset>
<fieldset>
<legend>Basic authentication</legend>
${textInput('store_username', 'Username', values.storeUsername)}
${secretInput('store_password', 'Password')}
</fieldset>
${textInput('health_path', 'Health endpoint path', values.healthPath, 'required')}
${textInput('account_name', 'Account name', values.accountName, 'maxlength="100"', 'optional, shown in ShopiMind; the store host by default')}
<button type="submit">Test and connect</button>
</form>`;
  return layout('Connect your store to ShopiMind', body);
}

export interface ErrorPageModel {
  title: string;
  message: string;
  /** Stable code (or correlation id) the merchant can quote to support. */
  reference: string;
}

export function renderErrorPage(model: ErrorPageModel): string {
  const body = `<h1>${escapeHtml(model.title)}</h1>
<p>${escapeHtml(model.message)}</p>
<p class="hint">Reference: <code>${escapeHtml(model.reference)}</code></p>`;
  return layout(model.title, body);
}
