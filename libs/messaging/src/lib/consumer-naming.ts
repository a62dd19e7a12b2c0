/** `push` + `storebridge.sync.products.changed.v1` → `push_storebridge_sync_products_changed_v1`. */
export function durableName(serviceName: string, subject: string): string {
  const name = `${serviceName}_${subject.replace(/\./g, '_')}`;
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    throw new Error(
      `Cannot derive a durable consumer name from subject "${subject}": use a concrete subject`,
    );
  }
  return name;
}
