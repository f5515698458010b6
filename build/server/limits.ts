// The time bounds of `linus mcp` (README and docs/AGENT-GUIDE.md state them).

/** No single SSH command runs longer: it is stopped (its ssh process killed) at this bound. */
export const SSH_COMMAND_BOUND_S = 90;
/** ssh's ConnectTimeout: an unreachable host fails within this many seconds. */
export const SSH_CONNECT_TIMEOUT_S = 10;
/** Default seconds of one `wait JOB --timeout S` call (also how often progress is reported). */
export const DEFAULT_POLL_S = 10;
/** Longest `--poll-seconds`: a wait call and its SSH round trip stay far below the bound. */
export const MAX_POLL_S = 30;
/** Default seconds provision_vm follows a job before it answers RUNNING with the job id. */
export const DEFAULT_FOLLOW_S = 1800;
/** Seconds between progress notifications while a one-shot command (preflight, destroy...) runs. */
export const HEARTBEAT_S = 10;
