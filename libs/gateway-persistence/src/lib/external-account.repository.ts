import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ExternalAccountEntity, returnedRows } from '@storebridge/persistence';

/** What `claim` found: the account now belongs to the installation, to another one, or does not exist. */
export type ExternalAccountClaim = 'claimed' | 'taken' | 'unknown';

export type ExternalAccountInput = Pick<
  ExternalAccountEntity,
  'name' | 'baseUrl' | 'authMethod' | 'credentialsCiphertext'
>;

/** Stores connected on the Type B consent page (shopimind.md §8). */
@Injectable()
export class ExternalAccountRepository {
  constructor(
    @InjectRepository(ExternalAccountEntity) private readonly repository: Repository<ExternalAccountEntity>,
  ) {}

  /** `id` is a uuid: callers holding an id from outside (ShopiMind's `external_account_id`) check it first. */
  findById(id: string): Promise<ExternalAccountEntity | null> {
    return this.repository.findOneBy({ id });
  }

  create(input: ExternalAccountInput): Promise<ExternalAccountEntity> {
    return this.repository.save(this.repository.create(input));
  }

  /**
   * Gives account `id` to installation `installationKey` unless another installation has it: one statement, so
   * two installs naming the same account cannot both win.
   */
  async claim(id: string, installationKey: string): Promise<ExternalAccountClaim> {
    const claimed = await this.repository
      .createQueryBuilder()
      .update(ExternalAccountEntity)
      .set({ installationKey })
      .where('id = :id AND (installation_key IS NULL OR installation_key = :installationKey)', {
        id,
        installationKey,
      })
      .returning(['id'])
      .execute();
    if (returnedRows(claimed.raw).length > 0) {
      return 'claimed';
    }
    return (await this.repository.existsBy({ id })) ? 'taken' : 'unknown';
  }

  /** Deletes the accounts, credentials included, that installation `installationKey` claimed. */
  async deleteClaimedBy(installationKey: string): Promise<void> {
    await this.repository.delete({ installationKey });
  }
}
