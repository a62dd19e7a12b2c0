import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsNotEmpty, IsString, IsUUID, Min, ValidateNested } from 'class-validator';
import { NormalizedProduct } from './normalized-product';
import { Subjects } from './subjects';

export const SYNC_TRIGGERS = ['activate', 'config_updated', 'store_webhook', 'schedule', 'manual'] as const;
export type SyncTrigger = (typeof SYNC_TRIGGERS)[number];

export class SyncRequestedEvent {
  @IsUUID()
  connectionId!: string;

  @IsIn(SYNC_TRIGGERS)
  trigger!: SyncTrigger;
}

/** One crawled page worth of new or changed products for one connection. */
export class ProductsChangedEvent {
  @IsUUID()
  connectionId!: string;

  @IsUUID()
  syncRunId!: string;

  @IsInt()
  @Min(1)
  page!: number;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => NormalizedProduct)
  products!: NormalizedProduct[];

  @IsArray()
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  deletedIds!: string[];
}

/** Subject → payload class: the single source of truth both publishers and handlers type against. */
export const SubjectPayloads = {
  [Subjects.syncRequested]: SyncRequestedEvent,
  [Subjects.productsChanged]: ProductsChangedEvent,
} as const;

export type PayloadOf<S extends keyof typeof SubjectPayloads> = InstanceType<(typeof SubjectPayloads)[S]>;
