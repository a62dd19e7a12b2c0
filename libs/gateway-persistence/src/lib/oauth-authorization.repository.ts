import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { OAuthAuthorizationEntity, returnedRows } from '@storebridge/persistence';

export type OAuthAuthorizationInput = Pick<
  OAuthAuthorizationEntity,
  'state' | 'redirectUri' | 'csrfSecret' | 'expiresAt'
> &
  Partial<Pick<OAuthAuthorizationEntity, 'shopName'>>;

/** Pending Type B authorizations (shopimind.md §8); `state` is unique and each row is consumed at most once. */
@Injectable()
export class OAuthAuthorizationRepository {
  constructor(
    @InjectRepository(OAuthAuthorizationEntity)
    private readonly repository: Repository<OAuthAuthorizationEntity>,
  ) {}

  findById(id: string): Promise<OAuthAuthorizationEntity | null> {
    return this.repository.findOneBy({ id });
  }

  findByState(state: string): Promise<OAuthAuthorizationEntity | null> {
    return this.repository.findOneBy({ state });
  }

  /** Returns null, without throwing, when this `state` was already opened (it is single-use). */
  async create(input: OAuthAuthorizationInput): Promise<OAuthAuthorizationEntity | null> {
    const inserted = await this.repository
      .createQueryBuilder()
      .insert()
      .into(OAuthAuthorizationEntity)
      .values({ shopName: null, ...input })
      .orIgnore()
      .returning(['id'])
      .execute();
    const [row] = returnedRows(inserted.raw) as Array<{ id: string }>;
    return row ? this.findById(row.id) : null;
  }

  /**
   * Marks the authorization used, in one statement so two concurrent submissions cannot both succeed. Returns
   * null when it is unknown, already consumed or expired (by the database clock).
   */
  async consume(id: string): Promise<OAuthAuthorizationEntity | null> {
    const updated = await this.repository
      .createQueryBuilder()
      .update(OAuthAuthorizationEntity)
      .set({ consumedAt: () => 'now()' })
      .where('id = :id AND consumed_at IS NULL AND expires_at > now()', { id })
      .returning(['id'])
      .execute();
    return returnedRows(updated.raw).length > 0 ? this.findById(id) : null;
  }

  /**
   * Housekeeping: deletes the authorizations expired at `now`, consumed or not, by the rule `consume` applies
   * (`expires_at <= now`). Returns how many were deleted.
   */
  async purgeExpired(now: Date): Promise<number> {
    const deleted = await this.repository
      .createQueryBuilder()
      .delete()
      .from(OAuthAuthorizationEntity)
      .where('expires_at <= :now', { now })
      .returning(['id'])
      .execute();
    return returnedRows(deleted.raw).length;
  }
}
