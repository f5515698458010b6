import type { CommandModule } from 'yargs';
import { agentInstructionsCommand } from './agent-instructions.js';
import { buildCommand } from './build.js';
import { mcpCommand } from './mcp.js';
import { mcpConfigCommand } from './mcp-config.js';
import { provisionCmdCommand } from './provision-cmd.js';
import { runCommandCommand } from './run-command.js';
import { uploadCommand } from './upload.js';

// One CLI command a file; register each here (keep the list sorted).
// `any`: yargs command modules differ in their argument types.
export const commands: CommandModule<object, any>[] = [
  agentInstructionsCommand,
  buildCommand,
  mcpCommand,
  mcpConfigCommand,
  provisionCmdCommand,
  runCommandCommand,
  uploadCommand,
];
