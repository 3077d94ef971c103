export * from './event-store.port';
export * from './access-audit.port';
export * from './hash-chain';
export * from './verify';
export * from './sqlite/sqlite-database';
export * from './sqlite/sqlite-event-store';
export * from './sqlite/sqlite-access-audit';
