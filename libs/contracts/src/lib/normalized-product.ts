import { IsArray, IsInt, IsISO8601, IsNotEmpty, IsNumber, IsOptional, IsString } from 'class-validator';
import { IsAbsoluteHttpUrl } from './absolute-http-url';

export const STOCK_STATUSES = ['in_stock', 'out_of_stock'] as const;

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
