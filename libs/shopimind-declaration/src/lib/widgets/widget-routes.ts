/**
 * The public widget routes the gateway serves. The widget declarations build their URLs from these same
 * constants (spec §7 [ours]: the declaration and the routes cannot drift apart).
 */
export const WIDGETS_ROUTE_PREFIX = 'widgets';

/** Redirects to a product's current main image; `:productId` is the store's product id. */
export const PRODUCT_IMAGE_ROUTE = 'product-image/:installationId/:productId';

export const PLACEHOLDER_IMAGE_ROUTE = 'placeholder.png';

/** Where the product image route sends whatever it cannot answer with a product image. */
export const PLACEHOLDER_IMAGE_PATH = `/${WIDGETS_ROUTE_PREFIX}/${PLACEHOLDER_IMAGE_ROUTE}`;

/** The remote-data resource (`POST /webhook/remote-data/products`) behind the product pickers. */
export const PRODUCTS_REMOTE_RESOURCE = 'products';

/**
 * [ours] ShopiMind's installation id, which ShopiMind resolves in the URL of the installation's widgets. It is
 * opaque and not a secret, unlike the store token of the store webhook URLs, so it may appear in email HTML.
 */
export const INSTALLATION_ID_VARIABLE = '{installation_id}';

/** `/widgets/product-image/{installation_id}/{widget.<productField>}`, relative: the base URL is added at registration. */
export function productImageUrlTemplate(productField: string): string {
  const path = PRODUCT_IMAGE_ROUTE.replace(':installationId', INSTALLATION_ID_VARIABLE).replace(
    ':productId',
    `{widget.${productField}}`,
  );
  return `/${WIDGETS_ROUTE_PREFIX}/${path}`;
}
