import { afterEach } from 'vitest';

// Most tests here are synchronous (spawnSync of bash, ssh, the bundle). Between synchronous tests
// the worker's event loop never reaches its I/O phase, so vitest's own RPC replies wait until the
// whole file is done, and a file that runs over 60 s on a loaded machine fails with
// "[vitest-worker]: Timeout calling onTaskUpdate" though every test passed. Yield to I/O after
// each test (setImmediate runs after the poll phase).
afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)));
