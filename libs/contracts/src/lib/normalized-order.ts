import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsEmail,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Min,
  ValidateNested,
} from 'class-validator';

/**
 * A postal address as stores send it on orders (generic-api spec §5: street, city, state, zip, country), with who
 * it is for when the store says so.
 */
export class NormalizedAddress {
  @IsOptional()
  @IsString()
  firstName?: string;

  @IsOptional()
  @IsString()
  lastName?: string;

  /** The whole name, for stores that give it in one field. */
  @IsOptional()
  @IsString()
  name?: string;

  @IsOptional()
  @IsString()
  company?: string;

  @IsOptional()
  @IsString()
  phone?: string;

  @IsOptional()
  @IsString()
  street?: string;

  @IsOptional()
  @IsString()
  street2?: string;

  @IsOptional()
  @IsString()
  city?: string;

  @IsOptional()
  @IsString()
  state?: string;

  @IsOptional()
  @IsString()
  zip?: string;

  @IsOptional()
  @IsString()
  country?: string;
}

/** One line of an order (generic-api spec §5 `items`). */
export class NormalizedOrderItem {
  @IsOptional()
  @IsString()
  productId?: string;

  @IsOptional()
  @IsString()
  name?: string;

  /** Units on the line; 1 when the store gives none (a line is at least one unit). */
  @IsInt()
  @Min(0)
  quantity!: number;

  /** Unit price. */
  @IsOptional()
  @IsNumber()
  @Min(0)
  price?: number;
}

/** A store order after aliases, mappings and value rules were applied (generic-api spec §5, §6). */
export class NormalizedOrder {
  @IsString()
  @IsNotEmpty()
  id!: string;

  @IsOptional()
  @IsString()
  orderNumber?: string;

  /** As the store gives it, trimmed (store vocabularies differ; mapping to ShopiMind's is the push side's job). */
  @IsOptional()
  @IsString()
  status?: string;

  @IsOptional()
  @IsNumber()
  @Min(0)
  total?: number;

  @IsOptional()
  @IsNumber()
  @Min(0)
  subtotal?: number;

  @IsOptional()
  @IsNumber()
  @Min(0)
  tax?: number;

  @IsOptional()
  @IsNumber()
  @Min(0)
  shipping?: number;

  /** Upper-cased as given (ISO 4217 codes such as `EUR`). */
  @IsOptional()
  @IsString()
  currency?: string;

  @IsOptional()
  @IsEmail()
  customerEmail?: string;

  @IsOptional()
  @IsString()
  customerName?: string;

  @IsOptional()
  @IsString()
  customerPhone?: string;

  /** Whether the customer agreed to marketing emails; absent when the store does not say. */
  @IsOptional()
  @IsBoolean()
  acceptsMarketing?: boolean;

  /** Whether the customer subscribed to the newsletter; absent when the store does not say. */
  @IsOptional()
  @IsBoolean()
  newsletterSubscribed?: boolean;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => NormalizedOrderItem)
  items!: NormalizedOrderItem[];

  @IsOptional()
  @ValidateNested()
  @Type(() => NormalizedAddress)
  shippingAddress?: NormalizedAddress;

  @IsOptional()
  @ValidateNested()
  @Type(() => NormalizedAddress)
  billingAddress?: NormalizedAddress;

  @IsOptional()
  @IsString()
  paymentMethod?: string;

  @IsOptional()
  @IsISO8601()
  createdAt?: string;

  @IsOptional()
  @IsISO8601()
  updatedAt?: string;
}
