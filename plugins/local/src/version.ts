/** This package's version; a test keeps it equal to package.json's, so importing the plugin reads no file. */
export const VERSION = '0.0.0';
