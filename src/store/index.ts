export * from './database.ts';
export * from './ids.ts';
export type * from './schema.ts';
