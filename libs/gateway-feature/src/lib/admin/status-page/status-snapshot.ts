import type { DeadLetterView, InstallationView, SyncRunView } from '../connection-report';
import { progressBar, progressInWords, type ProgressBar } from './plain-words';

/** One installation with its connection's last runs (none without a connection). */
export interface StatusEntry {
  installation: InstallationView;
  runs: SyncRunView[];
}

/** Everything the status page shows, read at one moment. */
export interface StatusSnapshot {
  generatedAt: string;
  entries: StatusEntry[];
  deadLetters: DeadLetterView[];
}

/** What the page's script needs to move one running crawl's bar and words, worded here so both agree. */
export interface LiveCrawl {
  runId: string;
  connectionId: string;
  entity: SyncRunView['entity'];
  bar: ProgressBar;
  text: string;
}

export function liveCrawl(connectionId: string, run: SyncRunView): LiveCrawl | null {
  if (run.progress === null) {
    return null;
  }
  return {
    runId: run.id,
    connectionId,
    entity: run.entity,
    bar: progressBar(run.progress),
    text: progressInWords(run.progress, run.counts.recordsSeen),
  };
}

export function liveCrawls(snapshot: StatusSnapshot): LiveCrawl[] {
  return snapshot.entries.flatMap(({ installation, runs }) =>
    installation.connection === null
      ? []
      : runs.flatMap((run) => liveCrawl(installation.connection?.id ?? '', run) ?? []),
  );
}
