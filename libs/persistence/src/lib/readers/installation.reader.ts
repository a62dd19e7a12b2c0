import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { InstallationEntity } from '../entities';

/**
 * What the services other than the gateway read of an installation. Read-only: only the gateway's
 * InstallationRepository (`@storebridge/gateway-persistence`) writes installations.
 */
@Injectable()
export class InstallationReader {
  constructor(
    @InjectRepository(InstallationEntity) protected readonly repository: Repository<InstallationEntity>,
  ) {}

  findById(id: string): Promise<InstallationEntity | null> {
    return this.repository.findOneBy({ id });
  }
}
