import type { DerivedKind, LedgerEntity } from '@storebridge/persistence';
import type { DeleteChunkOutcome } from '@storebridge/shopimind-client';
import { AcceptedReferenceRows } from '../push-target/accepted-reference-rows';
import type { PushMessage, PushTargetService } from '../push-target/push-target.service';
import type { ShopimindTarget } from '../push-target/shopimind-targets';

/** What one push run deletes of one entity: the message's own deletes and the refused ones due again. */
export function idsToDelete(
  deletedIds: readonly string[],
  due: ReadonlyMap<LedgerEntity, string[]>,
  entity: LedgerEntity,
  relisted: readonly string[] = [],
): string[] {
  // A record the message writes again is not deleted: the store lists it once more.
  const written = new Set(relisted);
  return [...new Set([...deletedIds, ...(due.get(entity) ?? [])])].filter((id) => !written.has(id));
}

/** Deletes products by their store ids (`numericIds` maps each to its ShopiMind id) and settles each chunk. */
export async function deleteProducts(
  pushTargets: PushTargetService,
  target: ShopimindTarget,
  message: PushMessage,
  storeIds: readonly string[],
  numericIds: ReadonlyMap<string, number>,
): Promise<void> {
  if (storeIds.length === 0) {
    return;
  }
  const storeIdOf = new Map(storeIds.map((id) => [numericIds.get(id) as number, id]));
  const answers = await target.writer.deleteProducts([...storeIdOf.keys()]);
  await pushTargets.settleDeletes(
    'products',
    message,
    answers,
    (numericId) => storeIdOf.get(numericId) as string,
  );
}

/**
 * Deletes derived records (their ShopiMind ids) and settles each chunk. Once some went, the target forgets which
 * reference rows ShopiMind accepted lately, so a category or status pointed at again is sent again rather than
 * taken for present.
 */
export async function deleteDerived(
  pushTargets: PushTargetService,
  target: ShopimindTarget,
  message: PushMessage,
  kind: DerivedKind,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) {
    return;
  }
  const answers = await deleteCall(target, kind, ids);
  if (answers.some((answer) => answer.outcome.kind === 'accepted') && kind !== 'customers') {
    target.referenceRows = new AcceptedReferenceRows();
  }
  await pushTargets.settleDeletes(kind, message, answers, String);
}

/** Tries again the refused deletes of derived records due now, but those this message points at again. */
export function retryDueDerived(
  pushTargets: PushTargetService,
  target: ShopimindTarget,
  message: PushMessage,
  due: ReadonlyMap<LedgerEntity, string[]>,
  kind: DerivedKind,
  pointedAt: ReadonlyArray<string | number>,
): Promise<void> {
  return deleteDerived(pushTargets, target, message, kind, idsToDelete([], due, kind, pointedAt.map(String)));
}

function deleteCall(
  target: ShopimindTarget,
  kind: DerivedKind,
  ids: readonly string[],
): Promise<Array<DeleteChunkOutcome<string | number>>> {
  switch (kind) {
    case 'categories':
      // Category ids are numeric in ShopiMind; the ledger keeps them as text.
      return target.writer.deleteProductCategories(ids.map(Number));
    case 'order_statuses':
      return target.writer.deleteOrderStatuses([...ids]);
    case 'customers':
      return target.writer.deleteCustomers([...ids]);
  }
}
