#!/usr/bin/env node
// The harness is TypeScript run through tsx, so users need no build step.
import { register } from 'tsx/esm/api';

register();
await import('../harness/cli/main.ts');
