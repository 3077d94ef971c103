export * from './config';
export * from './zone';
