import { Injectable, NotFoundException } from '@nestjs/common';
import type { SyncRunView } from '../connection-report';
import { ConnectionReportService } from '../connection-report.service';
import type { StatusEntry, StatusSnapshot } from './status-snapshot';

/** A page for an operator, not an export: past these, the admin API pages through the rest. */
const INSTALLATIONS_SHOWN = 100;
const RUNS_PER_CONNECTION = 5;
const DEAD_LETTERS_SHOWN = 50;

@Injectable()
export class AdminStatusService {
  constructor(private readonly reports: ConnectionReportService) {}

  async snapshot(publicBaseUrl: string, now: Date = new Date()): Promise<StatusSnapshot> {
    const installations = await this.reports.listInstallations(publicBaseUrl, INSTALLATIONS_SHOWN, 0);
    const entries: StatusEntry[] = [];
    for (const installation of installations) {
      const runs = installation.connection ? await this.runsOf(installation.connection.id, now) : [];
      entries.push({ installation, runs });
    }
    const deadLetters = await this.reports.deadLetters({ limit: DEAD_LETTERS_SHOWN });
    return { generatedAt: now.toISOString(), entries, deadLetters };
  }

  private async runsOf(connectionId: string, now: Date): Promise<SyncRunView[]> {
    try {
      return await this.reports.syncRuns(connectionId, RUNS_PER_CONNECTION, now);
    } catch (error) {
      // Uninstalled between the two reads: the next refresh no longer lists it.
      if (error instanceof NotFoundException) {
        return [];
      }
      throw error;
    }
  }
}
