import { Type } from 'class-transformer';
import {
  IsArray,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  ValidateNested,
} from 'class-validator';
import { IsAbsoluteHttpUrl } from './absolute-http-url';

export const STOCK_STATUSES = ['in_stock', 'out_of_stock'] as const;

/**
 * One variant of a product as the store sells it (a size, a colour): an item of the product's `attributes`
 * array that names its own id or SKU. Its own price, stock, reference and image; what it lacks, the product gives.
 */
export class NormalizedVariation {
  @IsString()
  @IsNotEmpty()
  id!: string;

  /** The store's name for it, else its option values joined ("Black / M"); absent when it has neither. */
  @IsOptional()
  @IsString()
  name?: string;

  @IsOptional()
  @IsNumber()
  price?: number;

  @IsOptional()
  @IsNumber()
  regularPrice?: number;

  @IsOptional()
  @IsNumber()
  salePrice?: number;

  @IsOptional()
  @IsString()
  sku?: string;

  @IsOptional()
  @IsString()
  ean13?: string;

  @IsOptional()
  @IsString()
  stockStatus?: string;

  @IsOptional()
  @IsInt()
  stockQuantity?: number;

  @IsOptional()
  @IsAbsoluteHttpUrl()
  image?: string;
}

/** A store product after aliases, mappings and value rules were applied (generic-api spec §4, §6). */
export class NormalizedProduct {
  @IsString()
  @IsNotEmpty()
  id!: string;

  @IsString()
  @IsNotEmpty()
  name!: string;

  @IsOptional()
  @IsNumber()
  price?: number;

  @IsOptional()
  @IsNumber()
  regularPrice?: number;

  @IsOptional()
  @IsNumber()
  salePrice?: number;

  /** ISO 4217 code the store gives for this product's prices; absent, the connection's currency applies. */
  @IsOptional()
  @Matches(/^[A-Z]{3}$/)
  currency?: string;

  @IsOptional()
  @IsString()
  sku?: string;

  @IsOptional()
  @IsString()
  description?: string;

  @IsOptional()
  @IsString()
  shortDescription?: string;

  /** `in_stock`, `out_of_stock`, or any other store value kept lower-cased. */
  @IsOptional()
  @IsString()
  stockStatus?: string;

  @IsOptional()
  @IsInt()
  stockQuantity?: number;

  @IsArray()
  @IsString({ each: true })
  categories!: string[];

  @IsArray()
  @IsString({ each: true })
  tags!: string[];

  @IsArray()
  @IsString({ each: true })
  images!: string[];

  /** Absent when the store gives none: a product without variations keeps the content hash it had before them. */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => NormalizedVariation)
  variations?: NormalizedVariation[];

  /** The "View product" URL, always absolute (permalink, slug rule, or the store home page). */
  @IsAbsoluteHttpUrl()
  url!: string;

  @IsOptional()
  @IsISO8601()
  createdAt?: string;

  @IsOptional()
  @IsISO8601()
  updatedAt?: string;
}

export type StockStatus = (typeof STOCK_STATUSES)[number];
