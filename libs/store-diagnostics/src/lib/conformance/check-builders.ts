import { StoreEntity } from '@storebridge/store-client';
import { ConformanceCheck, ConformanceStatus, EntityCheckId, StoreCheckId } from './conformance-report';

// Every check takes its title from here, whichever family runs it.

const STORE_TITLES: Record<StoreCheckId, string> = {
  address: 'Store address is allowed',
  health: 'Health endpoint answers 200',
  auth_required: 'Requests without the credential are refused',
  rate_limit: 'Rate limiting (429) says when to retry',
};

const ENTITY_TITLES: Record<EntityCheckId, string> = {
  page_1: 'page 1 parses',
  shape: 'response shape',
  page_cap: 'page size served',
  meta: 'pagination meta is consistent',
  page_2: 'page 2 continues the list',
  far_page: 'a page past the end is empty',
  skipped_records: 'records the sync would skip',
  aliases: 'field names recognised',
  field_suggestions: 'unrecognised fields',
  product_url: 'products have a permalink or slug',
};

const ENTITY_LABELS: Record<StoreEntity, string> = { products: 'Products', orders: 'Orders' };

export function checkOf(
  id: StoreCheckId,
  status: ConformanceStatus,
  detail: string,
  fix?: string,
): ConformanceCheck {
  return { id, title: STORE_TITLES[id], status, detail, ...(fix === undefined ? {} : { fix }) };
}

export function entityCheck(
  entity: StoreEntity,
  id: EntityCheckId,
  status: ConformanceStatus,
  detail: string,
  fix?: string,
): ConformanceCheck {
  return {
    id: `${entity}.${id}`,
    entity,
    title: `${ENTITY_LABELS[entity]}: ${ENTITY_TITLES[id]}`,
    status,
    detail,
    ...(fix === undefined ? {} : { fix }),
  };
}
