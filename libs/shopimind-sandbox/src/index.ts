export { startShopimindSandbox } from './lib/sandbox.server';
export type { SandboxInstallationState, SandboxOptions, ShopimindSandbox } from './lib/sandbox.server';
export type { SandboxControlOptions } from './lib/sandbox-control';
export { SANDBOX_FAULT_STATUSES } from './lib/sandbox-faults';
export type { SandboxFaults, SandboxFaultStatus } from './lib/sandbox-faults';
export type {
  CreateInstallationInput,
  InstallationStatus,
  SandboxCredentials,
  SandboxDataSource,
  SandboxInstallationInfo,
  SandboxRequestLogEntry,
} from './lib/sandbox-state';
export type { SandboxEntity, SandboxItem } from './lib/sandbox-entities';
export type { SandboxProductAcceptance } from './lib/sandbox-product-accepts';
export type { BulkWriteResult, RejectedItem } from './lib/sandbox-api';
export {
  isAcceptedByIntegration,
  LIFECYCLE_PATH,
  REMOTE_DATA_PATH,
  sendLifecycle,
  sendSignedRequest,
  SIGNATURE_HEADER,
  TEST_CONNECTION_PATH,
  TIMESTAMP_HEADER,
  unixSeconds,
} from './lib/lifecycle-driver';
export type {
  Configs,
  LifecycleConfigOptions,
  LifecycleDriver,
  LifecycleEvent,
  LifecycleEventOptions,
  SignedRequestOptions,
  SignedResponse,
} from './lib/lifecycle-driver';
export {
  buildAuthorizeUrl,
  newOAuthState,
  OAUTH_AUTHORIZE_PATH,
  OAuthFlowError,
  openConsentPage,
  SANDBOX_OAUTH_REDIRECT_URI,
  submitConsentForm,
  walkOAuthConsent,
} from './lib/oauth-driver';
export type {
  AuthorizeUrlOptions,
  BrowserPage,
  ConsentFormInput,
  ConsentSubmitResult,
  OAuthFlowOptions,
  OAuthFlowResult,
} from './lib/oauth-driver';
export {
  sandboxCustomerFixture,
  sandboxOrderFixture,
  sandboxOrderStatusFixture,
  sandboxProductFixture,
} from './lib/sandbox-fixtures';
