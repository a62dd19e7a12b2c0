import { Inject, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { AcceptedSignatureRepository, type SignatureClaim } from '@storebridge/gateway-persistence';
import {
  declaredRemoteResources,
  LIFECYCLE_ROUTE,
  WEBHOOK_ROUTE_PREFIX,
} from '@storebridge/shopimind-declaration';
import { verifyShopimindSignature, type SignatureVerdict, loggableErrorText } from '@storebridge/security';
import {
  GATEWAY_FEATURE_OPTIONS,
  SIGNATURE_MAX_FUTURE_SECONDS,
  type GatewayFeatureOptions,
} from '../gateway-feature.options';
import { RequestStrategy } from './request.strategy';
import { ShopimindRateLimits } from './shopimind-rate-limits';
import { routeKeyOf, type ShopimindCaller, type ShopimindRequest } from './shopimind-caller';
import { failed } from '../shopimind-webhooks/shopimind-response';

export const SHOPIMIND_SIGNATURE_STRATEGY = 'shopimind-signature';

/** Each replica deletes the expired signatures at most this often, on the request path (one indexed DELETE). */
export const SIGNATURE_PURGE_INTERVAL_MS = 60_000;

/**
 * How long an accepted request holds its signature without an answer. Past it, its processing is presumed dead
 * (the replica crashed) and a resend does the work; a live one slower than that may thus run twice, which the
 * lifecycle handlers, idempotent (spec §4), tolerate.
 */
export const SIGNATURE_PROCESSING_LEASE_MS = 20_000;

/** How often a resend waiting for the first request's answer looks again. */
export const RESEND_POLL_INTERVAL_MS = 100;

/** Enough looks to see the lease run out: the wait for a first answer is bounded by the lease. */
const RESEND_MAX_POLLS = Math.ceil(SIGNATURE_PROCESSING_LEASE_MS / RESEND_POLL_INTERVAL_MS) + 1;

type Refusal = Exclude<SignatureVerdict, 'valid'> | 'replayed' | 'signed_for_another_route';

const LIFECYCLE_PATH = `/${WEBHOOK_ROUTE_PREFIX}/${LIFECYCLE_ROUTE}`;

/**
 * The URL is not signed, so a signature is bound to its route by what the body is: a lifecycle event (it names
 * an `event`) only on the lifecycle route. The form's calls (connection test, remote data) all carry the config
 * map, which has no `event`, and one map may rightly go to several of them in the same second.
 */
function bodyFitsRoute(request: ShopimindRequest): boolean {
  const template: unknown = (request.route as { path?: unknown } | undefined)?.path;
  if (template === LIFECYCLE_PATH) {
    return true;
  }
  const body: unknown = request.body;
  return !(typeof body === 'object' && body !== null && 'event' in body);
}

/**
 * Spec §3. The signature covers the exact bytes received, so this reads `rawBody` (kept by the app's body
 * parser), never the re-serialized JSON. A valid signature is then claimed in `accepted_signatures`, shared by
 * every replica. An exact resend of it (revised §3: the sender lost our answer) is handed the first answer,
 * which SignatureOutcomeInterceptor sends without running the handler; one sent while the first is processed
 * waits for it, within the processing lease. A resend of a request whose answer was not kept stays refused.
 *
 * Keyed on (signature, route), not on the installation the spec mentions: the HMAC covers the timestamp and
 * the body, which names the installation, so two installations' requests never share a signature. The route
 * is there because the URL is not signed: ShopiMind may post one config map to test-connection and to several
 * remote-data resources within the same second, which are different requests with one signature.
 *
 * Registered with passport (a process-wide registry) under SHOPIMIND_SIGNATURE_STRATEGY when Nest
 * instantiates it.
 */
@Injectable()
export class ShopimindSignatureStrategy extends PassportStrategy(
  RequestStrategy,
  SHOPIMIND_SIGNATURE_STRATEGY,
) {
  private readonly logger = new Logger(ShopimindSignatureStrategy.name);
  private readonly knownResources: ReadonlySet<string> = new Set(declaredRemoteResources());
  private nextPurgeAt = 0;

  constructor(
    @Inject(GATEWAY_FEATURE_OPTIONS) private readonly options: GatewayFeatureOptions,
    private readonly acceptedSignatures: AcceptedSignatureRepository,
    private readonly rateLimits: ShopimindRateLimits,
  ) {
    super();
  }

  /** The caller, or false (a bare 401, reason logged only: ShopiMind does not retry a 4xx). */
  async validate(request: ShopimindRequest): Promise<ShopimindCaller | false> {
    const nowMs = Date.now();
    const signature = request.header('x-shopimind-signature');
    const timestamp = request.header('x-shopimind-timestamp');
    const verdict = verifyShopimindSignature({
      signature,
      timestamp,
      rawBody: request.rawBody ?? Buffer.alloc(0),
      secrets: this.options.webhookSecrets,
      nowSeconds: Math.floor(nowMs / 1000),
      maxAgeSeconds: this.options.signatureMaxAgeSeconds,
      maxFutureSeconds: SIGNATURE_MAX_FUTURE_SECONDS,
    });
    if (verdict !== 'valid' || !signature || !timestamp) {
      this.rateLimits.admit(request, 'unverified');
      return this.refuse(request, verdict === 'valid' ? 'missing' : verdict);
    }
    this.rateLimits.admit(request, 'signed');
    if (!bodyFitsRoute(request)) {
      return this.refuse(request, 'signed_for_another_route');
    }
    // Normalized: the check accepts upper-case hex, and the replay of one must find the same row.
    const caller: ShopimindCaller = {
      signature: signature.trim().toLowerCase(),
      route: routeKeyOf(request, this.knownResources),
      timestamp: Number(timestamp),
    };
    const claim = await this.claimOrAwaitFirstAnswer(caller);
    if (claim.kind === 'in_progress') {
      // Only when the holder keeps coming back (a release and a new claim in turn): a 5xx ShopiMind retries.
      throw new ServiceUnavailableException(failed('in_progress'));
    }
    if (claim.kind === 'answered') {
      if (!claim.answer.body) {
        return this.refuse(request, 'replayed');
      }
      this.logger.log(`Answered a resend to ${request.path} with its first answer`);
      return { ...caller, firstAnswer: { status: claim.answer.status, body: claim.answer.body } };
    }
    await this.purgeExpiredFromTimeToTime(nowMs);
    return caller;
  }

  /** A claim in progress is looked at again until it is answered, released or its lease lapses (then ours). */
  private async claimOrAwaitFirstAnswer(caller: ShopimindCaller): Promise<SignatureClaim> {
    for (let poll = 0; ; poll++) {
      const claim = await this.acceptedSignatures.claim(
        caller.signature,
        caller.route,
        this.expiryOf(caller),
        new Date(Date.now() + SIGNATURE_PROCESSING_LEASE_MS),
      );
      if (claim.kind !== 'in_progress' || poll === RESEND_MAX_POLLS) {
        return claim;
      }
      await new Promise((resolve) => setTimeout(resolve, RESEND_POLL_INTERVAL_MS));
    }
  }

  /**
   * The freshness check refuses the request from `timestamp + max age` on; the future window is kept on top as
   * a margin for replicas whose clocks run behind ours.
   */
  private expiryOf(caller: ShopimindCaller): Date {
    const seconds = caller.timestamp + this.options.signatureMaxAgeSeconds + SIGNATURE_MAX_FUTURE_SECONDS;
    return new Date(seconds * 1000);
  }

  private refuse(request: ShopimindRequest, reason: Refusal): false {
    this.logger.warn(`Refused a ShopiMind request to ${request.path}: ${reason}`);
    return false;
  }

  /** Housekeeping must never fail a request that was accepted. */
  private async purgeExpiredFromTimeToTime(nowMs: number): Promise<void> {
    if (nowMs < this.nextPurgeAt) {
      return;
    }
    this.nextPurgeAt = nowMs + SIGNATURE_PURGE_INTERVAL_MS;
    try {
      await this.acceptedSignatures.purgeExpired(new Date(nowMs));
    } catch (error) {
      this.logger.warn(`Could not purge expired signatures: ${loggableErrorText(error)}`);
    }
  }
}
