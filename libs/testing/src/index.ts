export * from './free-port';
export * from './redis-keys';
export * from './service-process';
export * from './test-database';
export * from './test-env';
export * from './wait-for';
export * from './test-queues';
export * from './readme-env';
