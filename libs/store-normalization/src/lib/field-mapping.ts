/** Canonical field name → store field name (a dotted path such as `pricing.amount` reaches into objects). */
export type FieldMapping = Readonly<Record<string, string>>;
