import { setTimeout as delay } from 'node:timers/promises';
import {
  checkStoreUrl,
  DEFAULT_USER_AGENT,
  sharedPinnedFetch,
  StoreClient,
  StoreConnectionSettings,
  StoreSettingsError,
} from '@storebridge/store-client';
import { DEFAULT_DIAGNOSIS_TIMEOUT_MS } from '../store-diagnostics';
import { describeStoreRequestFailure } from '../store-failure';
import { checkAuthRequired } from './auth-check';
import { checkOf, entityCheck } from './check-builders';
import {
  ConformanceCheck,
  ConformanceOptions,
  ConformanceReport,
  DEFAULT_CONFORMANCE_FAR_PAGE,
} from './conformance-report';
import {
  farPageCheck,
  metaCheck,
  pageCapCheck,
  pageTwoCheck,
  readPagination,
  shapeCheck,
} from './pagination-checks';
import { rateLimitCheck } from './rate-limit-check';
import { recordChecks } from './record-checks';
import {
  CONFORMANCE_RETRIES,
  EntityContext,
  failureMessage,
  fetchPage,
  ObservedResponse,
  pathOf,
} from './store-probing';

// The runner: store-wide checks first, then pagination and records for each entity, then rate limiting.

const DEFAULT_MAX_RETRY_WAIT_MS = 2_000;

/**
 * Checks a store against the generic API contract (spec §1-§6) the way the sync reads it, for products and orders,
 * and says for each rule whether it holds, with a fix when it does not, or that the doctor could not observe it.
 * Unlike the connection test (`diagnoseStore`), it goes on past the first problem and probes pagination, auth and
 * field names.
 */
export async function checkStoreConformance(
  settings: StoreConnectionSettings,
  options: ConformanceOptions,
): Promise<ConformanceReport> {
  const checks: ConformanceCheck[] = [];
  const observed: ObservedResponse[] = [];
  const report = (): ConformanceReport => ({
    checks,
    ok: checks.every((check) => check.status !== 'fail'),
    reached: observed.length > 0,
    requests: observed.length,
  });

  const verdict = await checkStoreUrl(settings.baseUrl, {
    allowPrivate: options.allowPrivate,
    ...(options.lookup ? { lookup: options.lookup } : {}),
  });
  if (!verdict.ok) {
    checks.push(checkOf('address', 'fail', verdict.message, 'Use the public https:// address of the store.'));
    return report();
  }
  checks.push(checkOf('address', 'pass', `${settings.baseUrl} passes the address policy.`));

  const baseFetch = options.fetchImpl ?? sharedPinnedFetch({ allowPrivateAddresses: options.allowPrivate });
  const recordingFetch: typeof fetch = async (input, init) => {
    const response = await baseFetch(input, init);
    observed.push({
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      at: Date.now(),
    });
    return response;
  };
  const maxWaitMs = options.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS;
  let client: StoreClient;
  try {
    client = new StoreClient(settings, {
      timeoutMs: options.timeoutMs ?? DEFAULT_DIAGNOSIS_TIMEOUT_MS,
      retries: CONFORMANCE_RETRIES,
      backoffBaseMs: 100,
      userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
      fetchImpl: recordingFetch,
      sleep: (ms, signal) => delay(Math.min(ms, maxWaitMs), undefined, signal ? { signal } : {}),
    });
  } catch (error) {
    if (error instanceof StoreSettingsError) {
      checks.push(checkOf('health', 'fail', error.message, 'Fix the connection settings.'));
      return report();
    }
    throw error;
  }
  const requestOptions = options.signal ? { signal: options.signal } : {};

  const health = await client.checkHealth(requestOptions);
  if (!health.ok) {
    checks.push(
      checkOf(
        'health',
        'fail',
        describeStoreRequestFailure(health.error, 'health', settings.baseUrl).message,
      ),
    );
    return report();
  }
  checks.push(
    checkOf(
      'health',
      'pass',
      `GET ${pathOf(settings.paths.health)} answered 200 in ${health.durationMs} ms.`,
    ),
  );

  checks.push(await checkAuthRequired(settings, options, recordingFetch, maxWaitMs));

  for (const entity of options.entities ?? (['products', 'orders'] as const)) {
    checks.push(
      ...(await checkEntity({
        client,
        settings,
        entity,
        path: pathOf(settings.paths[entity]),
        perPage: settings.perPage,
        farPage: options.farPage ?? DEFAULT_CONFORMANCE_FAR_PAGE,
        requestOptions,
      })),
    );
  }
  checks.push(rateLimitCheck(observed));
  return report();
}

async function checkEntity(context: EntityContext): Promise<ConformanceCheck[]> {
  const { entity, path, perPage } = context;
  const first = await fetchPage(context, 1);
  if (!first.ok) {
    return [entityCheck(entity, 'page_1', 'fail', failureMessage(context, first.error))];
  }
  const total = first.page.meta?.total === undefined ? '' : ` (meta.total ${first.page.meta.total})`;
  const checks = [
    entityCheck(
      entity,
      'page_1',
      'pass',
      `GET ${path}?page=1&per_page=${perPage} answered ${first.page.records.length} ${entity}${total}.`,
    ),
    shapeCheck(entity, first.page),
  ];
  const pagination = await readPagination(context, first.page);
  checks.push(
    pageCapCheck(context, pagination),
    metaCheck(context, pagination),
    pageTwoCheck(context, pagination),
    await farPageCheck(context, pagination),
    ...recordChecks(context, pagination),
  );
  return checks;
}
