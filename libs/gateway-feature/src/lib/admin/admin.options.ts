/** The admin API's settings; the module exists only when a token is set. */
export interface AdminOptions {
  /** ADMIN_TOKEN: the Bearer token every admin request must carry. */
  token: string;
  /** PUBLIC_BASE_URL: starts the store webhook URLs; absent → the address the request came to. */
  publicBaseUrl?: string;
}

export const ADMIN_OPTIONS = Symbol('ADMIN_OPTIONS');

export const ADMIN_ROUTE_PREFIX = 'admin';

/** The OpenAPI security scheme name of the admin routes. */
export const ADMIN_BEARER_AUTH = 'admin-token';
