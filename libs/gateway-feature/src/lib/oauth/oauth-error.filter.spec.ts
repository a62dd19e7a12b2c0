import { errorPageFor } from './oauth-error.filter';
import { OAuthErrorCode } from './oauth.exception';

describe('errorPageFor', () => {
  it('gives every error code its own title and tells the merchant how to start again', () => {
    const pages = Object.values(OAuthErrorCode).map(errorPageFor);

    expect(new Set(pages.map((page) => page.title)).size).toBe(pages.length);
    for (const page of pages) {
      expect(page.message).toContain('Go back to ShopiMind');
    }
  });
});
