export * from './region-deny';
