// The bash compiler: public surface.
export { compile, DEFAULT_ENTRY } from './compile.js';
export type { CompileOptions, CompileResult, SourceInfo } from './compile.js';
export { CompileError } from './errors.js';
export { buildBundle, BUNDLE_NAME, CheckError, manifestJson } from './output.js';
export type { BuildOptions, BuildResult } from './output.js';
export { checkBundle } from './check.js';
export type { Finding } from './check.js';
export { BUNDLE, mapLine, formatLoc } from './linemap.js';
export type { LineMapEntry } from './linemap.js';
