import { ApiResponse, apiError } from './sandbox-response';
import { isRecord } from '@storebridge/untrusted-input';

/**
 * The answers ShopiMind gives when it cannot take a write now (spec shopimind.md §9 "Errors"), and 422,
 * a whole-batch refusal the sandbox's own validation never gives, so clients can be tested against one.
 */
export const SANDBOX_FAULT_STATUSES = [422, 429, 500, 502, 503] as const;
export type SandboxFaultStatus = (typeof SANDBOX_FAULT_STATUSES)[number];

/**
 * Which API writes (POST, PUT, PATCH, DELETE under `/v1` with an accepted key) answer `status` without
 * applying anything. First the next `burst` writes; then, when `every` is set, the n-th, 2n-th, ... of the
 * following writes (all installations together). Neither set: every write, until the faults are cleared.
 */
export interface SandboxFaults {
  status: SandboxFaultStatus;
  every?: number;
  burst?: number;
  /** Sent as the `Retry-After` header of every injected answer. */
  retryAfterSeconds?: number;
}

function isInteger(value: unknown, min: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min;
}

/** Checks faults given as an option, at runtime or over HTTP; the message names the wrong field. */
export function validateFaults(value: unknown): SandboxFaults {
  if (!isRecord(value)) {
    throw new RangeError('sandbox faults must be an object');
  }
  const { status, every, burst, retryAfterSeconds } = value;
  if (!SANDBOX_FAULT_STATUSES.some((allowed) => allowed === status)) {
    throw new RangeError(`sandbox faults status must be one of ${SANDBOX_FAULT_STATUSES.join(', ')}`);
  }
  if (every !== undefined && !isInteger(every, 1)) {
    throw new RangeError('sandbox faults every must be a positive integer');
  }
  if (burst !== undefined && !isInteger(burst, 0)) {
    throw new RangeError('sandbox faults burst must be a non-negative integer');
  }
  if (retryAfterSeconds !== undefined && !isInteger(retryAfterSeconds, 0)) {
    throw new RangeError('sandbox faults retryAfterSeconds must be a non-negative integer');
  }
  return {
    status: status as SandboxFaultStatus,
    ...(every === undefined ? {} : { every }),
    ...(burst === undefined ? {} : { burst }),
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  };
}

function faultAnswer(faults: SandboxFaults): ApiResponse {
  const answer = apiError(faults.status, `Fault injected by the sandbox (HTTP ${faults.status})`);
  return faults.retryAfterSeconds === undefined
    ? answer
    : { ...answer, headers: { 'Retry-After': String(faults.retryAfterSeconds) } };
}

/** Decides, write by write, whether the sandbox answers with the configured fault instead. */
export class FaultInjector {
  private faults: SandboxFaults | undefined;
  private burstLeft = 0;
  private writesAfterBurst = 0;

  /** Replaces the faults and restarts their counters; undefined stops injecting. */
  set(faults: SandboxFaults | undefined): void {
    this.faults = faults === undefined ? undefined : validateFaults(faults);
    this.burstLeft = this.faults?.burst ?? 0;
    this.writesAfterBurst = 0;
  }

  current(): SandboxFaults | undefined {
    return this.faults === undefined ? undefined : { ...this.faults };
  }

  /** Called once per authenticated write: the answer to give instead of applying it, if any. */
  nextWrite(): ApiResponse | undefined {
    const faults = this.faults;
    if (faults === undefined) {
      return undefined;
    }
    if (this.burstLeft > 0) {
      this.burstLeft -= 1;
      return faultAnswer(faults);
    }
    if (faults.every === undefined && faults.burst !== undefined) {
      return undefined;
    }
    this.writesAfterBurst += 1;
    return this.writesAfterBurst % (faults.every ?? 1) === 0 ? faultAnswer(faults) : undefined;
  }
}
