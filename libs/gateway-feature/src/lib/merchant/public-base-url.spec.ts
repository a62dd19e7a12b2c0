import { publicBaseUrl, requestBaseUrl } from './public-base-url';

const request = (host: string | undefined, protocol = 'http') => ({ protocol, headers: { host } });

describe('requestBaseUrl', () => {
  it.each([
    ['gateway.example.com', 'https', 'https://gateway.example.com'],
    ['127.0.0.1:8082', 'http', 'http://127.0.0.1:8082'],
    ['[::1]:8082', 'http', 'http://[::1]:8082'],
    ['Gateway.Example.COM', 'https', 'https://gateway.example.com'],
  ])('builds our address from the Host %p', (host, protocol, expected) => {
    expect(requestBaseUrl(request(host, protocol))).toBe(expected);
  });

  it.each([
    undefined,
    '',
    'evil.example/path',
    'evil.example?x=1',
    'user@evil.example',
    'a"><script>',
    'evil.example:99999999',
    ' gateway.example.com',
  ])('refuses the Host %p', (host) => {
    expect(requestBaseUrl(request(host))).toBeUndefined();
  });
});

describe('publicBaseUrl', () => {
  it('prefers PUBLIC_BASE_URL, then the request, then nothing (paths)', () => {
    expect(publicBaseUrl('https://public.example', request('internal:8082'))).toBe('https://public.example');
    expect(publicBaseUrl(undefined, request('internal:8082'))).toBe('http://internal:8082');
    expect(publicBaseUrl(undefined, request('bad/host'))).toBe('');
    expect(publicBaseUrl(undefined, undefined)).toBe('');
  });
});
