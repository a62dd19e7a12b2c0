/**
 * A 1×1 transparent PNG: where a product image cannot be shown, the email shows nothing rather than a broken
 * image icon. Embedded so the route needs no file on disk.
 */
export const PLACEHOLDER_PNG: Buffer = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR42mNgAAIAAAUAAen63NgAAAAASUVORK5CYII=',
  'base64',
);
