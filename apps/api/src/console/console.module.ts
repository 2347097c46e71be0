import { type DynamicModule, Module } from '@nestjs/common';
import { IdentityModule, type IdentitySettings } from '@dify/identity';
import { AccountController } from './account.controller';
import { SessionController } from './session.controller';
import { SetupController } from './setup.controller';
import { WorkspacesController } from './workspaces.controller';

/** The console API under /console/api. */
@Module({})
export class ConsoleModule {
  static forRoot(settings: IdentitySettings): DynamicModule {
    return {
      module: ConsoleModule,
      imports: [IdentityModule.forRoot(settings)],
      controllers: [AccountController, SessionController, SetupController, WorkspacesController],
    };
  }
}
