/** One option of a remote select (spec §6), read by the schema's `value_field` / `label_field`. */
export interface RemoteOption {
  value: string;
  label: string;
}

/** Spec §6: the body of every remote-data answer, `{"data": []}` for a resource we do not serve. */
export interface RemoteDataResponse {
  data: RemoteOption[];
}

/** What a provider may need about the request besides its body. */
export interface RemoteDataContext {
  /** Our address as ShopiMind reached it (scheme and Host), when it named a usable host. */
  requestBaseUrl?: string;
}

/** Serves the options of one resource named in the config schema's `remote.resource`. */
export interface RemoteDataProvider {
  readonly resource: string;
  /**
   * `configs` is the request body: the current config map of the form, not validated (each provider
   * parses what it needs). Never throws for a store or config problem: it answers no options and logs why.
   */
  load(configs: Record<string, unknown>, context: RemoteDataContext): Promise<RemoteOption[]>;
}

/** Injection token for the list of every `RemoteDataProvider` (see remote-data.registry.ts). */
export const REMOTE_DATA_PROVIDERS = Symbol('REMOTE_DATA_PROVIDERS');
