import { ApiPropertyOptional } from '@nestjs/swagger';
import { DEAD_LETTER_ENTITIES, type DeadLetterEntity } from '@storebridge/contracts';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

export const MAX_INSTALLATIONS_PER_PAGE = 200;
export const MAX_SYNC_RUNS = 100;
/** The dead-letter tools' own default and ceiling (push's DEFAULT_DEAD_LETTER_LIMIT). */
export const MAX_DEAD_LETTERS = 1_000;

export class ListInstallationsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_INSTALLATIONS_PER_PAGE, default: 50 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_INSTALLATIONS_PER_PAGE)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1_000_000, default: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset?: number;
}

export class SyncRunsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_SYNC_RUNS, default: 10, description: 'Runs, newest first' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_SYNC_RUNS)
  limit?: number;
}

/** Which dead letters: of one connection and/or entity, or all; at most `limit`. */
export class DeadLetterFilterDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  connectionId?: string;

  @ApiPropertyOptional({ enum: DEAD_LETTER_ENTITIES })
  @IsOptional()
  @IsIn(DEAD_LETTER_ENTITIES)
  entity?: DeadLetterEntity;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_DEAD_LETTERS, default: 100 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_DEAD_LETTERS)
  limit?: number;
}
