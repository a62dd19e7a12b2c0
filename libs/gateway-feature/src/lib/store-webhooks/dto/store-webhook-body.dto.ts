import { IsNotEmpty, IsObject, IsString } from 'class-validator';

/** Spec §7: `{"event": "...", "data": {...}}`; which events a route accepts is checked by the service. */
export class StoreWebhookBodyDto {
  @IsString()
  @IsNotEmpty()
  event!: string;

  @IsObject()
  data!: Record<string, unknown>;
}
