import { escapeHtml } from '../oauth/oauth-pages';
import type { StoreWebhooksInfo } from './store-webhook-urls';

/**
 * The merchant's page of one store connection, a pure function of its view model. No JavaScript; every value
 * goes through `escapeHtml`, ours included. To show more about the connection, add a field to the model and a
 * section function to `SECTIONS`.
 */
export interface MerchantPageModel {
  /** The store's base URL, as the connection holds it. */
  storeBaseUrl: string;
  webhooks: StoreWebhooksInfo;
  /** When the link that opened the page stops working. */
  linkExpiresAt: Date;
  /** Set when PUBLIC_BASE_URL is unset and the request named no usable host: the URLs are paths then. */
  urlsAreRelative: boolean;
}

type Section = (model: MerchantPageModel) => string;

const STYLE = `
  body { font-family: system-ui, sans-serif; background: #f5f6f8; color: #1d2430; margin: 0; }
  main { max-width: 46rem; margin: 3rem auto; background: #fff; padding: 2rem; border-radius: 8px;
         box-shadow: 0 1px 4px rgba(0, 0, 0, .08); }
  h1 { font-size: 1.4rem; margin-top: 0; }
  h2 { font-size: 1.1rem; margin-top: 2rem; }
  dt { font-weight: 600; margin-top: .8rem; }
  dd { margin: .2rem 0 0; }
  code { background: #f0f2f5; padding: .1rem .3rem; border-radius: 4px; word-break: break-all; }
  .hint { color: #5b6472; font-size: .9rem; }
`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function definition(term: string, value: string): string {
  return `<dt>${escapeHtml(term)}</dt>\n<dd><code>${escapeHtml(value)}</code></dd>`;
}

const webhooksSection: Section = ({ webhooks, urlsAreRelative }) => {
  const relative = urlsAreRelative
    ? `<p class="hint">Put the address you reach this integration at in front of each path.</p>\n`
    : '';
  return `<h2>Store webhooks</h2>
<p>Your store posts its changes to these URLs (JSON bodies, see the generic store API). Webhooks are ${escapeHtml(webhooks.signing)}.</p>
${relative}<dl>
${definition('Products', webhooks.urls.products)}
${definition('Orders', webhooks.urls.orders)}
${definition('Full synchronisation', webhooks.urls.sync)}
${definition('Store token', webhooks.storeToken)}
</dl>`;
};

const SECTIONS: readonly Section[] = [webhooksSection];

export function renderMerchantPage(model: MerchantPageModel): string {
  const body = `<h1>Your store connection</h1>
<p>Store <code>${escapeHtml(model.storeBaseUrl)}</code>.</p>
${SECTIONS.map((section) => section(model)).join('\n')}
<p class="hint">This link works until ${escapeHtml(model.linkExpiresAt.toISOString())}; a fresh one is listed in the integration's configuration form in ShopiMind.</p>`;
  return layout('Your store connection', body);
}

/** A refused link or a connection that is gone: one plain sentence, nothing about the connection. */
export function renderMerchantNotice(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);
}
