import {
  configSchemaRemoteResources,
  INTEGRATION_CONFIG_SCHEMA,
  type ConfigSchema,
} from '../config/config-schema';
import type { WidgetDeclaration } from '../widgets/widget-declaration';
import { WIDGETS } from '../widgets/widgets';
import {
  declaredPath,
  LIFECYCLE_EVENTS,
  LIFECYCLE_ROUTE,
  OAUTH_AUTHORIZE_ROUTE,
  OAUTH_CONSENT_ROUTE,
  OAUTH_ROUTE_PREFIX,
  REMOTE_DATA_ROUTE,
  TEST_CONNECTION_ROUTE,
  WEBHOOK_ROUTE_PREFIX,
  type LifecycleEventName,
} from './shopimind-routes';

/** Bump when the declaration changes in a way ShopiMind must re-register. */
export const INTEGRATION_VERSION = '0.1.0';

/** What Studio produces and ShopiMind registers (spec §7): no secret, no absolute URL. */
export interface IntegrationDeclaration {
  slug: string;
  name: string;
  version: string;
  short_description: string;
  description: string;
  config_schema: ConfigSchema;
  widgets: readonly WidgetDeclaration[];
  webhooks: { lifecycle: string; test_connection: string; remote_data: string };
  lifecycle_events: readonly LifecycleEventName[];
  remote_resources: string[];
  requires_external_auth: boolean;
  /** Type B only (spec §8): the browser-facing consent steps. */
  external_auth?: { authorize_url: string; consent_url: string };
}

export interface IntegrationDeclarationOptions {
  /** Type B: merchants connect their store on our consent page before ShopiMind installs. */
  requiresExternalAuth: boolean;
}

/** Every resource a form or a widget picker asks `remote-data` for. */
export function declaredRemoteResources(): string[] {
  const schemas: ConfigSchema[] = [
    INTEGRATION_CONFIG_SCHEMA,
    ...WIDGETS.map((widget) => widget.config_schema),
  ];
  return [...new Set(schemas.flatMap((schema) => configSchemaRemoteResources(schema)))].sort();
}

export function buildIntegrationDeclaration(options: IntegrationDeclarationOptions): IntegrationDeclaration {
  return {
    slug: 'storebridge',
    name: 'Storebridge (any REST store)',
    version: INTEGRATION_VERSION,
    short_description: 'Syncs the catalogue and orders of any REST e-commerce store into ShopiMind.',
    description:
      'Connects a store that exposes products and orders over a REST API (API key, Bearer or Basic auth), ' +
      'crawls its catalogue and orders, keeps them in sync in real time from store webhooks, and adds ' +
      'product widgets to emails, pop-ups and smart content.',
    config_schema: INTEGRATION_CONFIG_SCHEMA,
    widgets: WIDGETS,
    webhooks: {
      lifecycle: declaredPath(WEBHOOK_ROUTE_PREFIX, LIFECYCLE_ROUTE),
      test_connection: declaredPath(WEBHOOK_ROUTE_PREFIX, TEST_CONNECTION_ROUTE),
      remote_data: declaredPath(WEBHOOK_ROUTE_PREFIX, REMOTE_DATA_ROUTE),
    },
    lifecycle_events: LIFECYCLE_EVENTS,
    remote_resources: declaredRemoteResources(),
    requires_external_auth: options.requiresExternalAuth,
    ...(options.requiresExternalAuth
      ? {
          external_auth: {
            authorize_url: declaredPath(OAUTH_ROUTE_PREFIX, OAUTH_AUTHORIZE_ROUTE),
            consent_url: declaredPath(OAUTH_ROUTE_PREFIX, OAUTH_CONSENT_ROUTE),
          },
        }
      : {}),
  };
}

/** The HTTP routes a declaration names (`{param}` kept), with the method ShopiMind or a browser uses. */
export function declaredRoutes(
  declaration: IntegrationDeclaration,
): Array<{ method: 'GET' | 'POST'; path: string }> {
  const imagePaths = declaration.widgets.flatMap((widget) =>
    widget.render_type === 'image' ? [widget.image_url_template] : [],
  );
  return [
    { method: 'POST', path: declaration.webhooks.lifecycle },
    { method: 'POST', path: declaration.webhooks.test_connection },
    { method: 'POST', path: declaration.webhooks.remote_data },
    ...imagePaths.map((path) => ({ method: 'GET' as const, path })),
    ...(declaration.external_auth
      ? [
          { method: 'GET' as const, path: declaration.external_auth.authorize_url },
          { method: 'POST' as const, path: declaration.external_auth.consent_url },
        ]
      : []),
  ];
}
