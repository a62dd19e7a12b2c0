import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { EmbeddedEnv, loadEnv } from '@storebridge/config';
import { startDemoStore } from '@storebridge/demo-store';
import { localUrl } from '@storebridge/runtime';
import { startShopimindSandbox } from '@storebridge/shopimind-sandbox';
import { startEmbedded } from './embedded-app';

const PROGRESS_INTERVAL_MS = 500;

/**
 * `npm run demo`: a demo store and a ShopiMind sandbox on loopback, the whole system in embedded mode,
 * then the signed install + activate ShopiMind would send; prints the sync's progress until every product
 * has arrived in the sandbox, and keeps running.
 */
export async function runDemo(): Promise<void> {
  const logger = new Logger('Demo');
  const productCount = Number(process.env['DEMO_PRODUCTS'] ?? 500);
  const storeApiKey = randomBytes(16).toString('hex');
  const store = await startDemoStore({ productCount, apiKey: storeApiKey });
  const sandbox = await startShopimindSandbox();
  const webhookSecret = randomBytes(24).toString('base64url');
  const admin = demoAdminToken(process.env);
  const env = loadEnv(EmbeddedEnv, {
    ...process.env,
    ADMIN_TOKEN: admin.token,
    WEBHOOK_SECRET: webhookSecret,
    SHOPIMIND_API_URL: sandbox.url,
    ALLOW_PRIVATE_STORE_URLS: 'true',
  });
  const app = await startEmbedded(env, '127.0.0.1');
  const gatewayUrl = localUrl(app);
  logger.log(
    `Demo store ${store.url} (${productCount} products) · ShopiMind sandbox ${sandbox.url} · gateway ${gatewayUrl}`,
  );

  const { installationId } = sandbox.createInstallation({
    shopDomain: 'demo-shop.example',
    shopName: 'Demo shop',
  });
  // The demo store is a euro store; ShopiMind's form asks the merchant for both.
  const configs = {
    store_base_url: store.url,
    store_auth_method: 'api_key',
    store_api_token: storeApiKey,
    lang: 'en',
    currency: 'EUR',
  };
  const started = Date.now();
  const install = await sandbox.lifecycle.install(gatewayUrl, installationId, {
    secret: webhookSecret,
    configs,
  });
  const activate = await sandbox.lifecycle.activate(gatewayUrl, installationId, {
    secret: webhookSecret,
    configs,
  });
  logger.log(`install → ${JSON.stringify(install.body)} · activate → ${JSON.stringify(activate.body)}`);
  logger.log(`Status page: ${gatewayUrl}/admin/status (log in with ${admin.source})`);
  // What the merchant reads in ShopiMind's form: the store webhook URLs and the link to their page.
  const webhooks = await sandbox.lifecycle.remoteData(gatewayUrl, 'store_webhooks', configs, {
    secret: webhookSecret,
  });
  for (const option of optionLabels(webhooks.body)) {
    logger.log(`Store webhooks: ${option}`);
  }

  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const pushed = sandbox.products(installationId).length;
      logger.log(
        `products in ShopiMind: ${pushed}/${productCount} (demo store served ${store.stats.total} requests)`,
      );
      if (pushed >= productCount) {
        clearInterval(timer);
        resolve();
      }
    }, PROGRESS_INTERVAL_MS);
  });
  const seconds = (Date.now() - started) / 1000;
  logger.log(
    `Done: ${productCount} products synced in ${seconds.toFixed(1)} s. Still running; Ctrl+C to stop.`,
  );
}

/**
 * The demo's status page needs an admin token. One given in the environment is used and never printed; otherwise
 * one is generated for this run and written (mode 600) to the data directory, whose path is printed instead of it.
 */
function demoAdminToken(env: NodeJS.ProcessEnv): { token: string; source: string } {
  const given = env['ADMIN_TOKEN'];
  if (given) {
    return { token: given, source: 'your ADMIN_TOKEN' };
  }
  const dataDir = env['DATA_DIR'] || './data';
  const file = join(dataDir, 'demo-admin-token');
  const token = randomBytes(32).toString('hex');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, source: `the token in ${file}` };
}

function optionLabels(body: unknown): string[] {
  const data = (body as { data?: Array<{ label?: unknown }> } | undefined)?.data;
  return Array.isArray(data) ? data.map((option) => String(option.label)) : [];
}
