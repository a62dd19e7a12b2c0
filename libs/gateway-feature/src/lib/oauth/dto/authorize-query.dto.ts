import { Expose, plainToInstance } from 'class-transformer';
import { IsOptional, IsString, Length, Matches, MaxLength, validateSync } from 'class-validator';

/** `GET /oauth/authorize` (shopimind.md §8). `ts` and `sig` are the guard's; other parameters are ignored. */
export class AuthorizeQueryDto {
  /** ShopiMind's opaque, single-use value; echoed back verbatim in the redirect. */
  @Expose()
  @IsString()
  @Length(1, 512)
  @Matches(/^[\x21-\x7e]+$/, { message: 'state must be visible ASCII' })
  state!: string;

  @Expose()
  @IsString()
  @Length(1, 2048)
  redirect_uri!: string;

  /** Optional: the ShopiMind shop that asks, shown on the consent page. */
  @Expose()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  shop_name?: string;
}

/** The validated query, or null when a required parameter is missing or malformed. */
export function parseAuthorizeQuery(params: URLSearchParams): AuthorizeQueryDto | null {
  const query = plainToInstance(AuthorizeQueryDto, Object.fromEntries(params), {
    excludeExtraneousValues: true,
  });
  return validateSync(query).length === 0 ? query : null;
}
