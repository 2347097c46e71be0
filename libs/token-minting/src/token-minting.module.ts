import { Module } from '@nestjs/common';
import { TokenRetentionService } from './token-retention.service';

/** Token lifecycle services. Needs the global DbModule for its repositories. */
@Module({
  providers: [TokenRetentionService],
  exports: [TokenRetentionService],
})
export class TokenMintingModule {}
