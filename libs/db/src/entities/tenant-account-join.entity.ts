import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export const WORKSPACE_ROLES = ['owner', 'admin', 'editor', 'normal'] as const;
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number];

/** A membership: one row per (workspace, account); at most one `current` row per account. */
@Entity({ name: 'tenant_account_joins' })
export class TenantAccountJoin {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: WorkspaceRole;

  @Column({ type: 'boolean', default: false })
  current!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
