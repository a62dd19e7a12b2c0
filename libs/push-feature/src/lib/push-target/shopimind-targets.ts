import { Inject, Injectable, Optional } from '@nestjs/common';
import type { InstallationEntity, StoreConnectionEntity } from '@storebridge/persistence';
import { PushMetrics } from '@storebridge/runtime';
import { CredentialCipher } from '@storebridge/security';
import { ShopimindWriter } from '@storebridge/shopimind-client';
import { PUSH_FEATURE_OPTIONS, type PushFeatureOptions } from '../push-feature.options';
import { AcceptedReferenceRows } from './accepted-reference-rows';

export interface ShopimindTarget {
  writer: ShopimindWriter;
  dataSourceId: number;
  /** What this installation's ShopiMind accepted lately of the reference data. */
  referenceRows: AcceptedReferenceRows;
  /** The numeric ids of the category keys looked up so far (an id mapping never changes). */
  categoryIds: Map<string, number>;
}

/**
 * One SDK client and data source per installation, kept while its access token is unchanged: the token is
 * decrypted in memory only, and the data source lookup is not repeated for every batch. A new token (a new
 * activation) starts afresh, reference data included.
 */
@Injectable()
export class ShopimindTargets {
  private readonly targets = new Map<string, { tokenCiphertext: string; target: Promise<ShopimindTarget> }>();
  /** The writer of each installation, its latest: what the window gauge reads. */
  private readonly writers = new Map<string, ShopimindWriter>();

  constructor(
    private readonly cipher: CredentialCipher,
    @Inject(PUSH_FEATURE_OPTIONS) private readonly options: PushFeatureOptions,
    // Absent in tests that do not look at metrics.
    @Optional() private readonly metrics?: PushMetrics,
  ) {
    metrics?.watchWindows(() =>
      [...this.writers].map(([installation, writer]) => ({ installation, limit: writer.window.limit })),
    );
  }

  for(
    installation: InstallationEntity & { accessTokenCiphertext: string },
    connection: StoreConnectionEntity,
  ): Promise<ShopimindTarget> {
    const cached = this.targets.get(installation.id);
    if (cached && cached.tokenCiphertext === installation.accessTokenCiphertext) {
      return cached.target;
    }
    const target = this.open(installation.id, installation.accessTokenCiphertext, connection);
    this.targets.set(installation.id, { tokenCiphertext: installation.accessTokenCiphertext, target });
    // A failed open must not be cached: the next batch tries again. (Unless a newer token replaced it.)
    target.catch(() => {
      if (this.targets.get(installation.id)?.target === target) {
        this.targets.delete(installation.id);
        this.writers.delete(installation.id);
      }
    });
    return target;
  }

  private async open(
    installationId: string,
    tokenCiphertext: string,
    connection: StoreConnectionEntity,
  ): Promise<ShopimindTarget> {
    const metrics = this.metrics;
    const writer = new ShopimindWriter(
      this.cipher.decrypt(tokenCiphertext),
      this.options.shopimindApiUrl,
      metrics ? { onCall: (call) => metrics.shopimindCall(installationId, call) } : {},
    );
    this.writers.set(installationId, writer);
    // One data source per store connection (spec §9), found again by its label rather than duplicated.
    const dataSourceId = await writer.ensureDataSource(
      `storebridge ${new URL(connection.baseUrl).host} (${connection.id.slice(0, 8)})`,
    );
    return { writer, dataSourceId, referenceRows: new AcceptedReferenceRows(), categoryIds: new Map() };
  }
}
