// The admin console, served by the app.
// What other folders may use: they import this file, never the files behind it (eslint.config.mjs).
export { AdminModule } from './admin.module.js';
