export * from './command-loop';
export * from './streams';
