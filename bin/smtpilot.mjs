#!/usr/bin/env node
// npm's `bin` entry for a checkout: runs the TypeScript sources through tsx.
// The bundled build (npm run build) and the single binary do not need this.
import { register } from "tsx/esm/api";

register();
await import("../cli/smtpilot.ts");
