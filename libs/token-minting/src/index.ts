export * from './token-minting.module';
export * from './token-retention.service';
