/** How often the gateway deletes its expired rows; the app maps HOUSEKEEPING_INTERVAL_MS onto this. */
export interface HousekeepingOptions {
  /** 0 disables housekeeping. */
  intervalMs: number;
}

export const HOUSEKEEPING_OPTIONS = Symbol('HOUSEKEEPING_OPTIONS');

/** Hourly, as the env default: expired rows only cost disk space, and each run is two DELETE statements. */
export const DEFAULT_HOUSEKEEPING_OPTIONS: HousekeepingOptions = { intervalMs: 3_600_000 };

/** The first run waits this long (or one interval, if shorter), so it stays out of the start-up's way. */
export const HOUSEKEEPING_FIRST_RUN_DELAY_MS = 30_000;
