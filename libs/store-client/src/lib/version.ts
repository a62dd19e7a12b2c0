/** Kept equal to the root package.json version (asserted by version.spec.ts). */
export const STOREBRIDGE_VERSION = '0.1.0';

/** Store owners are told to expect a clear User-Agent from us (spec §8). */
export const DEFAULT_USER_AGENT = `storebridge/${STOREBRIDGE_VERSION} (+ShopiMind integration)`;
