// The version is taken from package.json at bundle time (esbuild inlines the JSON import).
import pkg from '../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;
