import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { InstallationEntity, StoreConnectionEntity } from '../entities';

/** How many installations `listWithConnections` returns at most, whatever it is asked. */
export const INSTALLATION_LIST_MAX_LIMIT = 200;

export interface InstallationWithConnection {
  installation: InstallationEntity;
  /** Null until the merchant's configuration stored one. */
  connection: StoreConnectionEntity | null;
}

/**
 * What the services read of an installation: push (is it active, its token), the gateway's admin API (the
 * installations with their store connections). Read-only: only the gateway's InstallationRepository
 * (`@storebridge/gateway-persistence`) writes installations.
 */
@Injectable()
export class InstallationReader {
  constructor(
    @InjectRepository(InstallationEntity) protected readonly repository: Repository<InstallationEntity>,
  ) {}

  findById(id: string): Promise<InstallationEntity | null> {
    return this.repository.findOneBy({ id });
  }

  /** Newest first, each with its store connection; `limit` is capped. */
  async listWithConnections(limit: number, offset = 0): Promise<InstallationWithConnection[]> {
    const take = Math.min(Math.trunc(limit), INSTALLATION_LIST_MAX_LIMIT);
    if (!(take > 0)) {
      // TypeORM reads a limit of 0 as "no limit".
      return [];
    }
    const installations = await this.repository.find({
      order: { createdAt: 'DESC', id: 'ASC' },
      take,
      skip: Math.max(0, Math.trunc(offset)),
    });
    if (installations.length === 0) {
      return [];
    }
    const connections = await this.repository.manager.find(StoreConnectionEntity, {
      where: { installationId: In(installations.map((installation) => installation.id)) },
    });
    const byInstallation = new Map(connections.map((connection) => [connection.installationId, connection]));
    return installations.map((installation) => ({
      installation,
      connection: byInstallation.get(installation.id) ?? null,
    }));
  }
}
