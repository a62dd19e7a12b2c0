import { Injectable, Logger } from '@nestjs/common';
import { StoreConnectionRepository, StoreProductReader } from '@storebridge/persistence';
import { InstallationRepository } from '@storebridge/gateway-persistence';
import type { RemoteOption } from '../shopimind-config/remote-data.provider';
import { loggableErrorText } from '@storebridge/security';

/**
 * What may reach a lookup from a public URL or a config map: ShopiMind's opaque installation ids and store
 * product ids as they appear in practice. Anything else is answered like an unknown product, without a query.
 */
const WIDGET_ID_PATTERN = /^[A-Za-z0-9_.:~=+-]{1,128}$/;

export function isWidgetId(value: unknown): value is string {
  return typeof value === 'string' && WIDGET_ID_PATTERN.test(value);
}

export const PRODUCT_OPTIONS_LIMIT = 100;

/** The synced catalogue of an installation, as the widgets see it. */
@Injectable()
export class WidgetProductsService {
  private readonly logger = new Logger(WidgetProductsService.name);

  constructor(
    private readonly installations: InstallationRepository,
    private readonly storeConnections: StoreConnectionRepository,
    private readonly storeProducts: StoreProductReader,
  ) {}

  /**
   * The product's current main image, or null when there is none to show: malformed ids, an unknown or
   * uninstalled installation, an unknown product, a product without image. Callers cannot tell these apart.
   */
  async productImageUrl(installationId: unknown, productId: unknown): Promise<string | null> {
    if (!isWidgetId(installationId) || !isWidgetId(productId)) {
      return null;
    }
    try {
      const connectionId = await this.connectionIdOf(installationId);
      const product = connectionId ? await this.storeProducts.findOne(connectionId, productId) : null;
      const imageUrl = product?.imageUrl ?? null;
      // The sync only keeps absolute http(s) URLs; checked again because this one goes into a Location header.
      return imageUrl !== null && /^https?:\/\/[^\s]+$/i.test(imageUrl) ? imageUrl : null;
    } catch (error) {
      // A public image in an email: a placeholder is a better answer than an error page.
      this.logger.warn(`Product image lookup failed: ${loggableErrorText(error)}`);
      return null;
    }
  }

  /**
   * The installation's products whose name contains `search` (all without it), as select options; none for
   * an unknown or uninstalled installation. Never throws: a picker without options beats a failed form.
   */
  async productOptions(installationId: unknown, search?: string): Promise<RemoteOption[]> {
    if (!isWidgetId(installationId)) {
      return [];
    }
    try {
      const connectionId = await this.connectionIdOf(installationId);
      if (!connectionId) {
        return [];
      }
      const products = await this.storeProducts.search(connectionId, search, PRODUCT_OPTIONS_LIMIT);
      // The id in the label tells apart products that share a name.
      return products.map((product) => ({
        value: product.storeProductId,
        label: `${product.name} (${product.storeProductId})`,
      }));
    } catch (error) {
      this.logger.warn(`Product options lookup failed: ${loggableErrorText(error)}`);
      return [];
    }
  }

  /** By ShopiMind's installation id; an uninstalled installation has nothing left to show. */
  private async connectionIdOf(installationId: string): Promise<string | null> {
    const installation = await this.installations.findByInstallationId(installationId);
    if (!installation || installation.status === 'uninstalled') {
      return null;
    }
    return (await this.storeConnections.findByInstallation(installation.id))?.id ?? null;
  }
}
