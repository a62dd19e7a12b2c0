import { escapeHtml, renderConsentPage, renderErrorPage, type ConsentPageModel } from './oauth-pages';

const model: ConsentPageModel = {
  authorizationId: '6f1c2d3e-0000-4000-8000-000000000001',
  csrfToken: 'ab'.repeat(32),
  shopName: null,
  values: {
    accountName: '',
    storeBaseUrl: '',
    storeAuthMethod: 'api_key',
    storeUsername: '',
    healthPath: '/health',
  },
  errors: [],
};

const HOSTILE = `"'><script>alert(1)</script>\`&`;
const ESCAPED = '&quot;&#39;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#96;&amp;';

describe('escapeHtml', () => {
  it.each([
    ['&', '&amp;'],
    ['<', '&lt;'],
    ['>', '&gt;'],
    ['"', '&quot;'],
    ["'", '&#39;'],
    ['`', '&#96;'],
    ['&amp;', '&amp;amp;'],
    ['plain text é', 'plain text é'],
  ])('escapes %p as %p', (input, output) => {
    expect(escapeHtml(input)).toBe(output);
  });
});

describe('renderConsentPage', () => {
  it('carries the authorization id and CSRF token as hidden fields of a POST form to "consent"', () => {
    const html = renderConsentPage(model);

    expect(html).toContain('<form method="post" action="consent"');
    expect(html).toContain(`<input type="hidden" name="authorization_id" value="${model.authorizationId}">`);
    expect(html).toContain(`<input type="hidden" name="csrf_token" value="${model.csrfToken}">`);
  });

  it('contains no script and no event handler attribute', () => {
    const html = renderConsentPage({ ...model, shopName: HOSTILE, errors: [HOSTILE] });

    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });

  it('escapes every value it shows: shop name, errors and the values typed before', () => {
    const html = renderConsentPage({
      ...model,
      shopName: HOSTILE,
      errors: [HOSTILE],
      values: {
        accountName: HOSTILE,
        storeBaseUrl: HOSTILE,
        storeAuthMethod: 'basic',
        storeUsername: HOSTILE,
        healthPath: HOSTILE,
      },
    });

    expect(html).not.toContain(HOSTILE);
    expect(html.split(ESCAPED)).toHaveLength(7);
  });

  it('always renders the secret fields empty and selects the chosen auth method', () => {
    const html = renderConsentPage({ ...model, values: { ...model.values, storeAuthMethod: 'bearer' } });

    expect(html).toContain('name="store_api_token" type="password" value=""');
    expect(html).toContain('name="store_password" type="password" value=""');
    expect(html).toContain('<option value="bearer" selected>');
    expect(html).not.toContain('<option value="api_key" selected>');
  });

  it('shows an error box only when there are errors', () => {
    expect(renderConsentPage(model)).not.toContain('role="alert"');
    expect(renderConsentPage({ ...model, errors: ['Connection test failed: HTTP 401'] })).toContain(
      '<li>Connection test failed: HTTP 401</li>',
    );
  });
});

describe('renderErrorPage', () => {
  it('escapes its title, message and reference and has no form', () => {
    const html = renderErrorPage({ title: HOSTILE, message: HOSTILE, reference: HOSTILE });

    expect(html).not.toContain(HOSTILE);
    expect(html).not.toContain('<form');
    expect(html.split(ESCAPED).length).toBeGreaterThanOrEqual(4);
  });
});
