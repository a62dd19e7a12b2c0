import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * One pending Type B authorization (shopimind.md §8): opened when ShopiMind sends the browser to our consent
 * page, consumed once when the merchant connects a store. `state` is ShopiMind's and single-use.
 */
@Entity({ name: 'oauth_authorizations' })
@Unique('UQ_oauth_authorizations_state', ['state'])
export class OAuthAuthorizationEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'PK_oauth_authorizations' })
  id!: string;

  @Column({ name: 'state', type: 'text' })
  state!: string;

  /** Already checked against the allow-list when stored; checked again before redirecting. */
  @Column({ name: 'redirect_uri', type: 'text' })
  redirectUri!: string;

  /** ShopiMind's optional `shop_name`, shown on the consent page (merchant-controlled: escaped on output). */
  @Column({ name: 'shop_name', type: 'text', nullable: true })
  shopName!: string | null;

  /** Key of the CSRF token bound to this authorization (random per authorization, never sent as is). */
  @Column({ name: 'csrf_secret', type: 'text' })
  csrfSecret!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'consumed_at', type: 'timestamptz', nullable: true })
  consumedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
