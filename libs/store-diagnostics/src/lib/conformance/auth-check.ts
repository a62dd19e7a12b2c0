import { setTimeout as delay } from 'node:timers/promises';
import { DEFAULT_USER_AGENT, StoreConnectionSettings } from '@storebridge/store-client';
import { DEFAULT_DIAGNOSIS_TIMEOUT_MS } from '../store-diagnostics';
import { checkOf } from './check-builders';
import { ConformanceCheck, ConformanceOptions } from './conformance-report';
import { CONFORMANCE_RETRIES, pathOf } from './store-probing';
import { loggableErrorText } from '@storebridge/security';

// Auth: the store should refuse a request that carries no credential.

export async function checkAuthRequired(
  settings: StoreConnectionSettings,
  options: ConformanceOptions,
  fetchImpl: typeof fetch,
  maxWaitMs: number,
): Promise<ConformanceCheck> {
  const anonymous = async (path: string): Promise<number | string> => {
    const url = new URL(settings.baseUrl + path);
    if (path === settings.paths.products) {
      url.searchParams.set('page', '1');
      url.searchParams.set('per_page', '1');
    }
    for (let attempt = 1; ; attempt += 1) {
      try {
        const response = await fetchImpl(url, {
          headers: { Accept: 'application/json', 'User-Agent': options.userAgent ?? DEFAULT_USER_AGENT },
          redirect: 'manual',
          signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_DIAGNOSIS_TIMEOUT_MS),
        });
        await response.body?.cancel();
        const transient = response.status === 429 || response.status >= 500;
        if (!transient || attempt > CONFORMANCE_RETRIES) {
          return response.status;
        }
      } catch (error) {
        return loggableErrorText(error);
      }
      await delay(Math.min(100 * attempt, maxWaitMs));
    }
  };
  const products = await anonymous(settings.paths.products);
  const health = await anonymous(settings.paths.health);
  const describe = (path: string, outcome: number | string): string =>
    typeof outcome === 'number'
      ? `GET ${pathOf(path)} answered ${outcome}`
      : `GET ${pathOf(path)} failed (${outcome})`;
  const seen = `Without the credential, ${describe(settings.paths.products, products)} and ${describe(settings.paths.health, health)}.`;
  if (products === 401 || products === 403) {
    return checkOf('auth_required', 'pass', seen);
  }
  if (typeof products === 'number' && products >= 200 && products < 300) {
    return checkOf(
      'auth_required',
      'warn',
      `${seen} Anyone can read the catalogue.`,
      'Require the API key, token or Basic credential on every API endpoint and answer 401 without it.',
    );
  }
  return checkOf(
    'auth_required',
    'warn',
    `${seen} Expected 401 or 403.`,
    'Answer 401 (or 403) to a request without a valid credential.',
  );
}
