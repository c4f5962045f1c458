#!/usr/bin/env node
// Launcher: registers tsx so the TypeScript sources run as they are, then starts the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../kernel/cli/main.ts');
await main(process.argv.slice(2));
