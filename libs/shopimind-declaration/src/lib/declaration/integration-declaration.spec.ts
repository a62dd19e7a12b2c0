import { buildIntegrationDeclaration, declaredRoutes } from './integration-declaration';
import { declaredPath } from './shopimind-routes';

describe('buildIntegrationDeclaration', () => {
  it('declares the webhooks, events and every remote resource the forms and widgets use', () => {
    const declaration = buildIntegrationDeclaration({ requiresExternalAuth: false });

    expect(declaration.webhooks).toEqual({
      lifecycle: '/webhook/receive',
      test_connection: '/webhook/test-connection',
      remote_data: '/webhook/remote-data/{resource}',
    });
    expect(declaration.lifecycle_events).toEqual([
      'install',
      'activate',
      'config_updated',
      'deactivate',
      'uninstall',
    ]);
    expect(declaration.remote_resources).toEqual(['categories', 'products', 'store_webhooks']);
    expect(declaration.requires_external_auth).toBe(false);
    expect(declaration).not.toHaveProperty('external_auth');
  });

  it('adds the consent steps for Type B installs', () => {
    const declaration = buildIntegrationDeclaration({ requiresExternalAuth: true });

    expect(declaration.external_auth).toEqual({
      authorize_url: '/oauth/authorize',
      consent_url: '/oauth/consent',
    });
    expect(declaredRoutes(declaration)).toEqual(
      expect.arrayContaining([
        { method: 'GET', path: '/oauth/authorize' },
        { method: 'POST', path: '/oauth/consent' },
      ]),
    );
  });

  it('names every route relatively (the base URL is added at registration) and holds no secret', () => {
    const declaration = buildIntegrationDeclaration({ requiresExternalAuth: true });

    for (const { path } of declaredRoutes(declaration)) {
      expect(path).toMatch(/^\/[a-z]/);
    }
    expect(JSON.stringify(declaration)).not.toMatch(/"(secret|password|token|api_key)"\s*:\s*"[^"]+"/i);
  });

  it('round-trips through JSON unchanged (what the manifest route and file serve)', () => {
    const declaration = buildIntegrationDeclaration({ requiresExternalAuth: false });

    expect(JSON.parse(JSON.stringify(declaration))).toEqual(declaration);
  });
});

describe('declaredPath', () => {
  it.each([
    ['webhook', 'receive', '/webhook/receive'],
    ['webhook', 'remote-data/:resource', '/webhook/remote-data/{resource}'],
    [
      'widgets',
      'product-image/:installationId/:productId',
      '/widgets/product-image/{installationId}/{productId}',
    ],
  ])('%s + %s → %s', (prefix, route, expected) => {
    expect(declaredPath(prefix, route)).toBe(expected);
  });
});
