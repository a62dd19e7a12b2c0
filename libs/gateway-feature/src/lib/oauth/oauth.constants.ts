/** How long the merchant has to connect a store once ShopiMind sent them to the consent page. */
export const OAUTH_AUTHORIZATION_TTL_SECONDS = 15 * 60;

/** The form posts to `consent` next to `authorize`, relative so a path prefix in front of the gateway still works. */
export const CONSENT_FORM_ACTION = 'consent';

export const AUTHORIZATION_ID_FIELD = 'authorization_id';
export const CSRF_TOKEN_FIELD = 'csrf_token';
