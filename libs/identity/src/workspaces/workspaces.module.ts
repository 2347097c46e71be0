import { Module } from '@nestjs/common';
import { AccountDirectoryModule } from '../accounts/account-directory.module';
import { WorkspaceService } from './workspace.service';

/**
 * Workspaces and the account read model, without console sessions, passwords or cookies: all
 * the gateway's bearer surface needs. Needs the global DbModule and an `AuditSink` from a global
 * module (a workspace switch is audited).
 */
@Module({
  imports: [AccountDirectoryModule],
  providers: [WorkspaceService],
  exports: [AccountDirectoryModule, WorkspaceService],
})
export class WorkspacesModule {}
