export * from './rule-codes';
export * from './conflict-matrix';
export * from './subjects';
export * from './ability';
export * from './authorize';
export * from './static-rule';
