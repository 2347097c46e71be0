import { IsUUID } from 'class-validator';

/** Body of `POST /console/api/workspaces/switch`. */
export class SwitchWorkspaceRequest {
  @IsUUID()
  tenant_id!: string;
}
