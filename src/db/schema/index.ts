export * from './audit.js'
export * from './cases.js'
