import { Inject, Injectable, Optional } from '@nestjs/common';
import type { InstallationEntity, StoreConnectionEntity } from '@storebridge/persistence';
import { PushMetrics } from '@storebridge/runtime';
import { CredentialCipher } from '@storebridge/security';
import { ShopimindWriter } from '@storebridge/shopimind-client';
import { PUSH_FEATURE_OPTIONS, type PushFeatureOptions } from '../push-feature.options';
import { AcceptedReferenceRows } from './accepted-reference-rows';

/**
 * One data source per connected store (spec §9), found again by this label rather than duplicated. It names the
 * store's host and the installation row, not the connection: uninstall deletes the connection, and a reinstall
 * of the shop takes the installation row up again, so its records land in the data source they were in.
 * Installations older than that rule keep the key of the connection they had (`dataSourceKey`).
 */
export function dataSourceLabelOf(
  installation: Pick<InstallationEntity, 'id' | 'dataSourceKey'>,
  connection: Pick<StoreConnectionEntity, 'baseUrl'>,
): string {
  const key = installation.dataSourceKey ?? installation.id.slice(0, 8);
  return `storebridge ${new URL(connection.baseUrl).host} (${key})`;
}

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
    const target = this.open(installation, installation.accessTokenCiphertext, connection);
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
    installation: InstallationEntity,
    tokenCiphertext: string,
    connection: StoreConnectionEntity,
  ): Promise<ShopimindTarget> {
    const installationId = installation.id;
    const metrics = this.metrics;
    const writer = new ShopimindWriter(
      this.cipher.decrypt(tokenCiphertext),
      this.options.shopimindApiUrl,
      metrics ? { onCall: (call) => metrics.shopimindCall(installationId, call) } : {},
    );
    this.writers.set(installationId, writer);
    const dataSourceId = await writer.ensureDataSource(dataSourceLabelOf(installation, connection));
    return { writer, dataSourceId, referenceRows: new AcceptedReferenceRows(), categoryIds: new Map() };
  }
}
