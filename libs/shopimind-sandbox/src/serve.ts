import { parseArgs } from 'node:util';
import { startDemoStore } from '@storebridge/demo-store';
import { startShopimindSandbox } from './lib/sandbox.server';
import {
  readServeSettings,
  SANDBOX_SERVE_HELP,
  SandboxServeSettings,
  SandboxServeSettingsError,
} from './lib/sandbox-serve-settings';
import { loggableErrorText } from '@storebridge/security';

/** `nx run shopimind-sandbox:serve`: the fake ShopiMind and a demo store on fixed ports, driven with curl. */
async function main(): Promise<void> {
  try {
    const { values } = parseArgs({ options: { help: { type: 'boolean', short: 'h' } } });
    if (values.help) {
      process.stdout.write(SANDBOX_SERVE_HELP);
      return;
    }
  } catch (error: unknown) {
    console.error(`${loggableErrorText(error)}\n\n${SANDBOX_SERVE_HELP}`);
    process.exitCode = 2;
    return;
  }
  let settings: SandboxServeSettings;
  try {
    settings = readServeSettings(process.env);
  } catch (error: unknown) {
    if (!(error instanceof SandboxServeSettingsError)) {
      throw error;
    }
    console.error(error.message);
    process.exitCode = 2;
    return;
  }
  const print = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };

  const store = await startDemoStore({
    port: settings.demoStore.port,
    productCount: settings.demoStore.productCount,
    orderCount: settings.demoStore.orderCount,
    apiKey: settings.demoStore.apiKey,
  });
  const storeConfigs = {
    store_base_url: store.url,
    store_auth_method: 'api_key',
    store_api_token: settings.demoStore.apiKey,
    lang: 'en',
    currency: 'EUR',
  };
  const sandbox = await startShopimindSandbox({
    port: settings.port,
    control: {
      gatewayUrl: settings.gatewayUrl,
      webhookSecret: settings.webhookSecret,
      about: {
        demo_store: {
          url: store.url,
          products: settings.demoStore.productCount,
          orders: settings.demoStore.orderCount,
          configs: storeConfigs,
        },
      },
      log: print,
    },
  });
  print(
    `ShopiMind sandbox ${sandbox.url}: API under /v1 (SHOPIMIND_API_URL=${sandbox.url}), control under /sandbox`,
  );
  print(
    `Lifecycle webhooks go to ${settings.gatewayUrl}, signed with the secret of ${settings.webhookSecretSource}`,
  );
  print(
    `Demo store ${store.url} (${settings.demoStore.productCount} products, ${settings.demoStore.orderCount} orders), configs: ${JSON.stringify(storeConfigs)}`,
  );
  print(`GET ${sandbox.url}/sandbox lists the control routes. Ctrl+C to stop.`);

  const stop = (): void => {
    void Promise.all([sandbox.close(), store.close()]).finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
