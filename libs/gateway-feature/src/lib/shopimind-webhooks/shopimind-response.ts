/** Spec §4: every ShopiMind webhook is answered 200 with one of these two bodies. */
export type ShopimindResponse = { success: true } | { success: false; error: string };

export const succeeded = (): ShopimindResponse => ({ success: true });
export const failed = (error: string): ShopimindResponse => ({ success: false, error });
