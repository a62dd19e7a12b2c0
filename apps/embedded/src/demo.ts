import { randomBytes } from 'node:crypto';
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
  const env = loadEnv(EmbeddedEnv, {
    ...process.env,
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
  const configs = { store_base_url: store.url, store_auth_method: 'api_key', store_api_token: storeApiKey };
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
