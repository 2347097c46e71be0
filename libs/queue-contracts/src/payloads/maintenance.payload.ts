import { IsOptional, IsString, MaxLength } from 'class-validator';

/**
 * Scheduled maintenance jobs carry no parameters: what they do depends on the worker's
 * configuration at run time (retention days, licence key). The optional correlation id lets an
 * operator trace a manually triggered run.
 */
export class MaintenancePayload {
  @IsOptional()
  @IsString()
  @MaxLength(128)
  requestId?: string;
}
