import { IsISO8601, IsUUID } from 'class-validator';

/** A bearer token was used; the worker folds touches into `last_used_at` in batches. */
export class TokenTouchPayload {
  @IsUUID()
  tokenId!: string;

  @IsISO8601({ strict: true })
  usedAt!: string;
}
