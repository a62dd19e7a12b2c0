import { Inject, Injectable } from '@nestjs/common';
import {
  REMOTE_DATA_PROVIDERS,
  type RemoteDataContext,
  type RemoteDataProvider,
  type RemoteDataResponse,
} from './remote-data.provider';

/** Routes `POST /webhook/remote-data/{resource}` to the provider of that resource. */
@Injectable()
export class RemoteDataService {
  // A Map, so a resource named `constructor` or `__proto__` finds nothing.
  private readonly providers: ReadonlyMap<string, RemoteDataProvider>;

  constructor(@Inject(REMOTE_DATA_PROVIDERS) providers: readonly RemoteDataProvider[]) {
    const byResource = new Map<string, RemoteDataProvider>();
    for (const provider of providers) {
      if (byResource.has(provider.resource)) {
        throw new Error(`Two remote-data providers serve the resource "${provider.resource}"`);
      }
      byResource.set(provider.resource, provider);
    }
    this.providers = byResource;
  }

  /** The resources served, for the integration declaration's `remote_resources` (spec §7). */
  resources(): string[] {
    return [...this.providers.keys()];
  }

  async fetch(
    resource: string,
    configs: Record<string, unknown>,
    context: RemoteDataContext = {},
  ): Promise<RemoteDataResponse> {
    const provider = this.providers.get(resource);
    if (provider === undefined) {
      return { data: [] };
    }
    const options = await provider.load(configs, context);
    // Whitelisted field by field: only {value, label} strings reach ShopiMind.
    return { data: options.map((option) => ({ value: String(option.value), label: String(option.label) })) };
  }
}
