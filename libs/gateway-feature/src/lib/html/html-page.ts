/**
 * The document shell of the gateway's HTML pages (OAuth, merchant, admin status): one head, one escaping, so a
 * page differs from another only by its style, its body and, for the status page, its nonce and script.
 */

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Safe in element content and in quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (character) => HTML_ESCAPES[character] ?? character);
}

export interface HtmlPage {
  /** Escaped here. */
  title: string;
  /** CSS of the page's own, inlined. */
  style: string;
  /** HTML, put inside `<main>` as it is: escape its values before. */
  body: string;
  /** The response's CSP nonce, set on the inline style and script when the page's CSP asks for one. */
  nonce?: string;
  /** An inline script after `<main>`: none when empty. */
  script?: string;
  /** Asks search engines not to index the page. */
  noindex?: boolean;
}

export function renderHtmlPage(page: HtmlPage): string {
  const nonce = page.nonce === undefined ? '' : ` nonce="${escapeHtml(page.nonce)}"`;
  const robots = page.noindex ? '\n<meta name="robots" content="noindex">' : '';
  const script = page.script ? `\n<script${nonce}>${page.script}</script>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">${robots}
<title>${escapeHtml(page.title)}</title>
<style${nonce}>${page.style}</style>
</head>
<body>
<main>
${page.body}
</main>${script}
</body>
</html>
`;
}
