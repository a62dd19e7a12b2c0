import { escapeHtml, renderHtmlPage } from '../../html/html-page';
import type { DeadLetterView, InstallationView, SyncRunView } from '../connection-report';
import {
  progressBar,
  progressInWords,
  runCountsInWords,
  runOutcomeInWords,
  runStatusInWords,
  timeInWords,
} from './plain-words';
import type { StatusSnapshot } from './status-snapshot';

/*
 * The operator's status page and its login form, pure functions of their data. Every value goes through
 * `escapeHtml`, ours included; the only script is ours, carrying the response's CSP nonce. Without script the
 * page still shows every value as it was when served.
 */

/** Where the page's script reads running crawls, relative to `/admin/status`. */
export const STATUS_JSON_PATH = 'status.json';
export const STATUS_POLL_INTERVAL_MS = 2000;

const STYLE = `
  body { font-family: system-ui, sans-serif; background: #f5f6f8; color: #1d2430; margin: 0; }
  main { max-width: 72rem; margin: 2rem auto; padding: 0 1rem; }
  section { background: #fff; padding: 1.2rem 1.5rem; border-radius: 8px; margin-bottom: 1.2rem;
            box-shadow: 0 1px 4px rgba(0, 0, 0, .08); }
  h1 { font-size: 1.4rem; }
  h2 { font-size: 1.15rem; margin-top: 0; }
  h3 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; margin: 0; }
  dt { font-weight: 600; }
  dd { margin: 0; }
  code { background: #f0f2f5; padding: .1rem .3rem; border-radius: 4px; word-break: break-all; }
  table { border-collapse: collapse; width: 100%; font-size: .9rem; }
  th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e3e6ea; vertical-align: top; }
  progress { width: 100%; height: 1.1rem; }
  .crawl { margin: .5rem 0 1rem; }
  .badge { font-size: .8rem; font-weight: 600; padding: .1rem .45rem; border-radius: 4px; background: #e8ebef; }
  .failed { color: #a4161a; }
  .hint { color: #5b6472; font-size: .9rem; }
  form { display: flex; gap: .5rem; flex-wrap: wrap; align-items: center; }
  input[type=password] { flex: 1; min-width: 16rem; padding: .4rem; }
  button { padding: .45rem 1rem; }
`;

/** Moves each running crawl's bar and words; reloads once the set of running crawls changed. */
const LIVE_SCRIPT = `
(function () {
  'use strict';
  var crawls = {};
  document.querySelectorAll('[data-crawl]').forEach(function (element) {
    crawls[element.getAttribute('data-crawl')] = element;
  });
  function apply(live) {
    var changed = live.length !== Object.keys(crawls).length || live.some(function (crawl) {
      return !crawls[crawl.runId];
    });
    if (changed) {
      location.reload();
      return false;
    }
    live.forEach(function (crawl) {
      var element = crawls[crawl.runId];
      var bar = element.querySelector('progress');
      if (crawl.bar.max === null) {
        bar.removeAttribute('value');
      } else {
        bar.max = crawl.bar.max;
        bar.value = crawl.bar.value;
      }
      element.querySelector('[data-crawl-text]').textContent = crawl.text;
    });
    return true;
  }
  function poll() {
    fetch(${JSON.stringify(STATUS_JSON_PATH)}, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (response) {
        if (response.status === 401) {
          location.assign('login');
          return false;
        }
        return response.json().then(function (body) {
          document.getElementById('generated-at').textContent = body.generatedAtText;
          return apply(body.crawls);
        });
      })
      .catch(function () { return true; })
      .then(function (goOn) { if (goOn) { setTimeout(poll, ${STATUS_POLL_INTERVAL_MS}); } });
  }
  setTimeout(poll, ${STATUS_POLL_INTERVAL_MS});
})();
`;

function layout(title: string, body: string, nonce: string, script = ''): string {
  return renderHtmlPage({ title, style: STYLE, body, nonce, script, noindex: true });
}

function definition(term: string, value: string, asCode = false): string {
  const shown = asCode ? `<code>${escapeHtml(value)}</code>` : escapeHtml(value);
  return `<dt>${escapeHtml(term)}</dt><dd>${shown}</dd>`;
}

/** A running crawl's bar and words; `data-crawl` is where the script finds it. */
export function renderCrawl(run: SyncRunView): string {
  if (run.progress === null) {
    return '';
  }
  const bar = progressBar(run.progress);
  const progress =
    bar.max === null
      ? `<progress aria-label="${escapeHtml(run.entity)} crawl"></progress>`
      : `<progress aria-label="${escapeHtml(run.entity)} crawl" max="${bar.max}" value="${bar.value}"></progress>`;
  return `<div class="crawl" data-crawl="${escapeHtml(run.id)}">
<p>Crawling ${escapeHtml(run.entity)} since ${escapeHtml(timeInWords(run.startedAt))} (${escapeHtml(run.trigger)})</p>
${progress}
<p data-crawl-text>${escapeHtml(progressInWords(run.progress, run.counts.recordsSeen))}</p>
</div>`;
}

function runRow(run: SyncRunView): string {
  const outcome = runOutcomeInWords(run);
  const skipped = run.skippedRecords
    .map(
      (record) =>
        `<li>page ${record.page}, index ${record.index}${record.id === undefined ? '' : ` (id ${escapeHtml(record.id)})`}: ${escapeHtml(record.reason)}</li>`,
    )
    .join('');
  return `<tr>
<td>${escapeHtml(run.entity)}</td>
<td>${escapeHtml(run.trigger)}</td>
<td${run.status === 'failed' ? ' class="failed"' : ''}>${escapeHtml(runStatusInWords(run.status))}</td>
<td>${escapeHtml(timeInWords(run.startedAt))}</td>
<td>${run.finishedAt === null ? '–' : escapeHtml(timeInWords(run.finishedAt))}</td>
<td>${escapeHtml(runCountsInWords(run.counts))}</td>
<td>${outcome === null ? '' : escapeHtml(outcome)}${run.error === null ? '' : `<br><span class="hint">${escapeHtml(run.error)}</span>`}${skipped === '' ? '' : `<br>Skipped:<ul>${skipped}</ul>`}</td>
</tr>`;
}

function runsTable(runs: readonly SyncRunView[]): string {
  if (runs.length === 0) {
    return '<p class="hint">No synchronisation yet.</p>';
  }
  return `<table>
<thead><tr><th>Entity</th><th>Trigger</th><th>Status</th><th>Started</th><th>Finished</th><th>Counts</th><th>Outcome</th></tr></thead>
<tbody>
${runs.map(runRow).join('\n')}
</tbody>
</table>`;
}

function entrySection(installation: InstallationView, runs: readonly SyncRunView[]): string {
  // ShopiMind may send neither a shop name nor a domain: the store URL, else its installation id, names it then.
  const title =
    installation.shopName ||
    installation.shopDomain ||
    installation.connection?.storeBaseUrl ||
    installation.installationId;
  const header = `<h2>${escapeHtml(title)} <span class="badge">${escapeHtml(installation.status)}</span></h2>`;
  const connection = installation.connection;
  if (connection === null) {
    return `<section>
${header}
<p class="hint">ShopiMind installation ${escapeHtml(installation.installationId)}: no store connection configured yet.</p>
</section>`;
  }
  const running = runs.filter((run) => run.progress !== null);
  return `<section>
${header}
<dl>
${definition('Store', connection.storeBaseUrl, true)}
${definition('ShopiMind installation', installation.installationId)}
${definition('Connection', connection.id)}
${definition('Authentication', connection.authMethod)}
${definition('Webhook signing', connection.webhookSecretSet ? 'secret set' : 'no secret: unsigned')}
${definition('Sync every', `${connection.syncIntervalMinutes} min, ${connection.perPage} records per page`)}
${definition('Next sync', connection.nextSyncAt === null ? 'not planned' : timeInWords(connection.nextSyncAt))}
</dl>
<h3>Store webhook URLs</h3>
<dl>
${definition('Products', connection.webhookUrls.products, true)}
${definition('Orders', connection.webhookUrls.orders, true)}
${definition('Full synchronisation', connection.webhookUrls.sync, true)}
</dl>
<h3>Running crawls</h3>
${running.length === 0 ? '<p class="hint">None.</p>' : running.map(renderCrawl).join('\n')}
<h3>Last runs</h3>
${runsTable(runs)}
</section>`;
}

function deadLettersSection(letters: readonly DeadLetterView[], stores: ReadonlyMap<string, string>): string {
  const body =
    letters.length === 0
      ? '<p class="hint">None: ShopiMind accepted every record it answered for.</p>'
      : `<table>
<thead><tr><th>Store</th><th>Entity</th><th>Record</th><th>Reasons</th><th>Rejections</th><th>Last</th><th>Replayable</th></tr></thead>
<tbody>
${letters
  .map(
    (letter) => `<tr>
<td>${escapeHtml(stores.get(letter.connectionId) ?? letter.connectionId)}</td>
<td>${escapeHtml(letter.entity)}</td>
<td><code>${escapeHtml(letter.storeId)}</code></td>
<td>${letter.reasons.map((reason) => escapeHtml(reason)).join('<br>')}</td>
<td>${letter.attempts}</td>
<td>${escapeHtml(timeInWords(letter.updatedAt))}</td>
<td>${letter.replayable ? 'yes' : 'no'}</td>
</tr>`,
  )
  .join('\n')}
</tbody>
</table>`;
  return `<section>
<h2>Dead letters</h2>
<p class="hint">Records ShopiMind rejected, most recent first (POST /admin/dead-letters/replay sends them again).</p>
${body}
</section>`;
}

export function renderStatusPage(snapshot: StatusSnapshot, nonce: string): string {
  const stores = new Map(
    snapshot.entries.flatMap(({ installation }) =>
      installation.connection
        ? [[installation.connection.id, installation.connection.storeBaseUrl] as const]
        : [],
    ),
  );
  const entries =
    snapshot.entries.length === 0
      ? '<section><p>No installation yet.</p></section>'
      : snapshot.entries.map(({ installation, runs }) => entrySection(installation, runs)).join('\n');
  const body = `<h1>StoreBridge status</h1>
<p class="hint">As of <span id="generated-at">${escapeHtml(timeInWords(snapshot.generatedAt))}</span>; running crawls update every ${STATUS_POLL_INTERVAL_MS / 1000} seconds.</p>
${entries}
${deadLettersSection(snapshot.deadLetters, stores)}`;
  return layout('StoreBridge status', body, nonce, LIVE_SCRIPT);
}

/** The admin login form; `refused` after a wrong token. */
export function renderAdminLoginPage(nonce: string, refused = false): string {
  const message = refused ? '<p class="failed" role="alert">That is not the admin token.</p>\n' : '';
  const body = `<section>
<h1>StoreBridge admin</h1>
${message}<form method="post" action="login">
<label for="token">Admin token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button>
</form>
<p class="hint">The ADMIN_TOKEN of this gateway. The browser keeps a signed session for a few hours, never the token.</p>
</section>`;
  return layout('StoreBridge admin sign-in', body, nonce);
}
