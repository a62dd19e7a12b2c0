import { routeKeyOf, type ShopimindRequest } from './shopimind-caller';

function routed(
  method: string,
  path: string,
  template?: string,
  params: Record<string, string> = {},
): ShopimindRequest {
  return {
    method,
    path,
    route: template ? { path: template } : undefined,
    params,
  } as unknown as ShopimindRequest;
}

describe('routeKeyOf', () => {
  it('names the matched route by its template, whatever spelling of the URL Express routed there', () => {
    const keys = ['/webhook/receive', '/WEBHOOK/Receive', '/webhook/receive/'].map((path) =>
      routeKeyOf(routed('POST', path, '/webhook/receive')),
    );

    expect(new Set(keys)).toEqual(new Set(['POST /webhook/receive']));
  });

  it('keeps the decoded route parameters, so each remote-data resource is its own route', () => {
    const template = '/webhook/remote-data/:resource';

    expect(
      routeKeyOf(routed('POST', '/webhook/remote-data/products', template, { resource: 'products' })),
    ).toBe('POST /webhook/remote-data/:resource?resource=products');
    expect(
      routeKeyOf(routed('POST', '/webhook/remote-data/categories', template, { resource: 'categories' })),
    ).toBe('POST /webhook/remote-data/:resource?resource=categories');
  });

  it('names every resource outside the known ones alike, so a signature is not accepted once per invented name', () => {
    const template = '/webhook/remote-data/:resource';
    const known = new Set(['products']);
    const keyOf = (resource: string) =>
      routeKeyOf(routed('POST', `/webhook/remote-data/${resource}`, template, { resource }), known);

    expect(keyOf('products')).toBe('POST /webhook/remote-data/:resource?resource=products');
    expect(new Set([keyOf('nope'), keyOf('other'), keyOf('x1')])).toEqual(
      new Set(['POST /webhook/remote-data/:resource?resource=*']),
    );
  });

  it('orders the parameters, so their order in the template does not matter', () => {
    expect(routeKeyOf(routed('POST', '/x/1/2', '/x/:b/:a', { b: '1', a: '2' }))).toBe(
      'POST /x/:b/:a?a=2&b=1',
    );
  });

  it('falls back to the normalized path outside a matched route', () => {
    expect(routeKeyOf(routed('POST', '/Webhook/Receive//'))).toBe('POST /webhook/receive');
  });
});
