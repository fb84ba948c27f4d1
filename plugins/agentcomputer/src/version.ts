// Kept in step with package.json by test/plugin.test.ts, so importing the plugin reads no file.
export const VERSION = '0.0.0';
