import { Inject, Injectable } from '@nestjs/common';
import type { InstallationEntity, StoreConnectionEntity } from '@storebridge/persistence';
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

  constructor(
    private readonly cipher: CredentialCipher,
    @Inject(PUSH_FEATURE_OPTIONS) private readonly options: PushFeatureOptions,
  ) {}

  for(
    installation: InstallationEntity & { accessTokenCiphertext: string },
    connection: StoreConnectionEntity,
  ): Promise<ShopimindTarget> {
    const cached = this.targets.get(installation.id);
    if (cached && cached.tokenCiphertext === installation.accessTokenCiphertext) {
      return cached.target;
    }
    const target = this.open(installation.accessTokenCiphertext, connection);
    this.targets.set(installation.id, { tokenCiphertext: installation.accessTokenCiphertext, target });
    // A failed open must not be cached: the next batch tries again. (Unless a newer token replaced it.)
    target.catch(() => {
      if (this.targets.get(installation.id)?.target === target) {
        this.targets.delete(installation.id);
      }
    });
    return target;
  }

  private async open(tokenCiphertext: string, connection: StoreConnectionEntity): Promise<ShopimindTarget> {
    const writer = new ShopimindWriter(this.cipher.decrypt(tokenCiphertext), this.options.shopimindApiUrl);
    // One data source per store connection (spec §9), found again by its label rather than duplicated.
    const dataSourceId = await writer.ensureDataSource(
      `storebridge ${new URL(connection.baseUrl).host} (${connection.id.slice(0, 8)})`,
    );
    return { writer, dataSourceId, referenceRows: new AcceptedReferenceRows(), categoryIds: new Map() };
  }
}
