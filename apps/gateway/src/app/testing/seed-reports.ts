import type { INestApplication } from '@nestjs/common';
import { PushOutcomeEntity, SyncRunEntity, type StoreConnectionEntity } from '@storebridge/persistence';
import { DataSource, type DeepPartial } from 'typeorm';

/*
 * Rows as sync and push write them, for the specs of what the gateway shows about a connection (admin API,
 * status page, merchant page). The gateway only reads these tables.
 */

/** Saves a sync run; `startedMsAgo` moves its start back, the column being set by the database. */
export async function seedSyncRun(
  app: INestApplication,
  run: DeepPartial<SyncRunEntity>,
  startedMsAgo?: number,
): Promise<SyncRunEntity> {
  const runs = app.get(DataSource).getRepository(SyncRunEntity);
  const saved = await runs.save(runs.create(run));
  if (startedMsAgo !== undefined) {
    saved.startedAt = new Date(Date.now() - startedMsAgo);
    await runs.update({ id: saved.id }, { startedAt: saved.startedAt });
  }
  return saved;
}

/** A products crawl that read 4 pages (400 records, one skipped) to the end, ten minutes ago. */
export function seedFinishedProductsCrawl(
  app: INestApplication,
  connection: Pick<StoreConnectionEntity, 'id'>,
  stopReason: string,
): Promise<SyncRunEntity> {
  return seedSyncRun(
    app,
    {
      connectionId: connection.id,
      entity: 'products',
      trigger: 'activate',
      status: 'succeeded',
      pagesFetched: 4,
      recordsSeen: 400,
      recordsValid: 399,
      recordsSkipped: 1,
      skippedRecords: [{ page: 2, index: 7, reason: 'no name', id: 'p7' }],
      stopReason,
      endConfirmed: true,
      finishedAt: new Date(),
    },
    600_000,
  );
}

/** A manual products crawl still running, `pagesFetched` pages of 100 records read. */
export function seedRunningProductsCrawl(
  app: INestApplication,
  connection: Pick<StoreConnectionEntity, 'id'>,
  pagesFetched: number,
): Promise<SyncRunEntity> {
  return seedSyncRun(app, {
    connectionId: connection.id,
    entity: 'products',
    trigger: 'manual',
    status: 'running',
    pagesFetched,
    nextPage: pagesFetched + 1,
    recordsSeen: pagesFetched * 100,
  });
}

/** A record ShopiMind rejected, as push leaves it: a dead letter. */
export async function seedDeadLetter(
  app: INestApplication,
  letter: Pick<PushOutcomeEntity, 'connectionId' | 'entity' | 'storeId' | 'reasons' | 'attempts'>,
): Promise<void> {
  await app
    .get(DataSource)
    .getRepository(PushOutcomeEntity)
    .insert({ ...letter, contentHash: 'h', status: 'rejected', record: { id: letter.storeId } });
}
