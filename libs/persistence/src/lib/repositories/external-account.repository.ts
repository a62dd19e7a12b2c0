import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ExternalAccountEntity } from '../entities';

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
}
