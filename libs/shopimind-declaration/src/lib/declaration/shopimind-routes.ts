/**
 * The routes ShopiMind calls, as the gateway's controllers declare them (Nest path syntax). The integration
 * declaration is built from these same constants (spec §7 [ours]: the two cannot drift apart).
 */
export const WEBHOOK_ROUTE_PREFIX = 'webhook';
export const LIFECYCLE_ROUTE = 'receive';
export const TEST_CONNECTION_ROUTE = 'test-connection';
export const REMOTE_DATA_ROUTE = 'remote-data/:resource';

export const OAUTH_ROUTE_PREFIX = 'oauth';
export const OAUTH_AUTHORIZE_ROUTE = 'authorize';
export const OAUTH_CONSENT_ROUTE = 'consent';

export const MANIFEST_ROUTE = 'manifest.json';

/** Spec §5: the lifecycle events, by their short names (the namespaced spellings are accepted too). */
export const LIFECYCLE_EVENTS = ['install', 'activate', 'config_updated', 'deactivate', 'uninstall'] as const;
export type LifecycleEventName = (typeof LIFECYCLE_EVENTS)[number];

/** `/prefix/route`, with Nest's `:param` written as ShopiMind's `{param}`. */
export function declaredPath(prefix: string, route: string): string {
  return `/${prefix}/${route}`.replace(/:([A-Za-z]\w*)/g, '{$1}');
}
