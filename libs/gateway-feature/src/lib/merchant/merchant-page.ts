import type { DeadLetterView, SyncRunView } from '../admin/connection-report';
import {
  progressBar,
  progressInWords,
  runCountsInWords,
  runOutcomeInWords,
  runStatusInWords,
  timeInWords,
} from '../admin/status-page/plain-words';
import { escapeHtml, renderHtmlPage } from '../html/html-page';
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
  /** The connection's last sync runs, newest first; a running one carries its progress. */
  runs: readonly SyncRunView[];
  /** Its records ShopiMind rejected, most recent first. */
  deadLetters: readonly DeadLetterView[];
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
  .failed { color: #a4161a; }
  progress { width: 100%; height: 1.1rem; }
  article { border-top: 1px solid #e3e6ea; padding: .6rem 0; }
  article p { margin: .3rem 0; }
`;

function layout(title: string, body: string): string {
  return renderHtmlPage({ title, style: STYLE, body });
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

/** Entities as a merchant says them. */
function entityInWords(entity: string): string {
  return entity === 'products' ? 'Products' : entity === 'orders' ? 'Orders' : entity;
}

const crawlSection: Section = ({ runs }) => {
  const running = runs.filter((run) => run.progress !== null);
  if (running.length === 0) {
    return '';
  }
  const crawls = running.map((run) => {
    const progress = run.progress as NonNullable<SyncRunView['progress']>;
    const bar = progressBar(progress);
    const element =
      bar.max === null
        ? '<progress></progress>'
        : `<progress max="${bar.max}" value="${bar.value}"></progress>`;
    return `<p>${escapeHtml(entityInWords(run.entity))}, since ${escapeHtml(timeInWords(run.startedAt))}</p>
${element}
<p>${escapeHtml(progressInWords(progress, run.counts.recordsSeen))}</p>`;
  });
  return `<h2>Synchronisation in progress</h2>
${crawls.join('\n')}
<p class="hint">Pages are counted against the last complete synchronisation: the store does not say how many there are. Reload the page to see it move.</p>`;
};

function skippedInWords(run: SyncRunView): string {
  if (run.skippedRecords.length === 0) {
    return '';
  }
  const items = run.skippedRecords.map(
    (record) =>
      `<li>Page ${record.page}, index ${record.index}${record.id === undefined ? '' : ` (id <code>${escapeHtml(record.id)}</code>)`}: ${escapeHtml(record.reason)}</li>`,
  );
  const more =
    run.counts.recordsSkipped > run.skippedRecords.length
      ? `<p class="hint">The first ${run.skippedRecords.length} of ${run.counts.recordsSkipped} skipped records.</p>`
      : '';
  return `<p>Skipped records (index counts from 0 within the page):</p>
<ul>${items.join('')}</ul>${more}`;
}

const runsSection: Section = ({ runs }) => {
  if (runs.length === 0) {
    return `<h2>Last synchronisations</h2>
<p>None yet.</p>`;
  }
  const articles = runs.map((run) => {
    const outcome = runOutcomeInWords(run);
    const finished = run.finishedAt === null ? '' : `, finished ${escapeHtml(timeInWords(run.finishedAt))}`;
    return `<article>
<p><strong>${escapeHtml(entityInWords(run.entity))}</strong>: <span${run.status === 'failed' ? ' class="failed"' : ''}>${escapeHtml(runStatusInWords(run.status))}</span>. Started ${escapeHtml(timeInWords(run.startedAt))}${finished}.</p>
<p>${escapeHtml(runCountsInWords(run.counts))}.</p>
${outcome === null ? '' : `<p>${escapeHtml(outcome)}</p>`}
${skippedInWords(run)}
</article>`;
  });
  return `<h2>Last synchronisations</h2>
${articles.join('\n')}`;
};

const deadLettersSection: Section = ({ deadLetters }) => {
  if (deadLetters.length === 0) {
    return `<h2>Records ShopiMind refused</h2>
<p>None.</p>`;
  }
  const items = deadLetters.map(
    (letter) =>
      `<li>${escapeHtml(entityInWords(letter.entity))} <code>${escapeHtml(letter.storeId)}</code>, ${escapeHtml(timeInWords(letter.updatedAt))}: ${letter.reasons.map((reason) => escapeHtml(reason)).join('; ')}</li>`,
  );
  return `<h2>Records ShopiMind refused</h2>
<p>Fix these records in your store: once a record changes there, it is sent again.</p>
<ul>${items.join('')}</ul>`;
};

const SECTIONS: readonly Section[] = [webhooksSection, crawlSection, runsSection, deadLettersSection];

export function renderMerchantPage(model: MerchantPageModel): string {
  const body = `<h1>Your store connection</h1>
<p>Store <code>${escapeHtml(model.storeBaseUrl)}</code>.</p>
${SECTIONS.map((section) => section(model))
  .filter((html) => html !== '')
  .join('\n')}
<p class="hint">This link works until ${escapeHtml(model.linkExpiresAt.toISOString())}; a fresh one is listed in the integration's configuration form in ShopiMind.</p>`;
  return layout('Your store connection', body);
}

/** A refused link or a connection that is gone: one plain sentence, nothing about the connection. */
export function renderMerchantNotice(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);
}
