export * from './audit.js'
export * from './cases.js'
export * from './clients.js'
export * from './imports.js'
