export * from './access-audit';
export * from './checkpoints';
export * from './lease';
export * from './read-model-db';
export * from './storage';
export * from './migrate-log';
export * from './personal-data';
