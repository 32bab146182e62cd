/**
 * Every command smtpilot has, in the order `--help` lists them. Add a
 * command by writing its `<name>.spec.ts` (definition) and `<name>.ts`
 * (implementation) beside this file and listing the spec here; the command
 * line, the completion scripts and the MCP server pick it up from this list.
 */
import type { CommandSpec, GroupSpec } from "../command-spec.ts";
import { alignSpec } from "./align.spec.ts";
import { bounceSpec } from "./bounce.spec.ts";
import { canarySpec } from "./canary.spec.ts";
import { completionsSpec } from "./completions.spec.ts";
import { diagnoseSpec } from "./diagnose.spec.ts";
import { draftSpec } from "./draft.spec.ts";
import { domainSpec } from "./domain.spec.ts";
import { explainSpec } from "./explain.spec.ts";
import { fixtureSpec } from "./fixture.spec.ts";
import { preflightSpec } from "./preflight.spec.ts";
import { sendSpec } from "./send.spec.ts";
import { verifySpec } from "./verify.spec.ts";
import { initSpec } from "./init.spec.ts";
import { mcpSpec } from "./mcp.spec.ts";
import { profileSpec } from "./profile.spec.ts";
import { recipesSpec } from "./recipes.spec.ts";
import { redactSpec } from "./redact.spec.ts";
import { statusSpec } from "./status.spec.ts";

/** The command tree. */
export const COMMANDS: readonly (CommandSpec | GroupSpec)[] = [
  diagnoseSpec,
  recipesSpec,
  redactSpec,
  domainSpec,
  alignSpec,
  draftSpec,
  preflightSpec,
  sendSpec,
  verifySpec,
  canarySpec,
  explainSpec,
  bounceSpec,
  fixtureSpec,
  initSpec,
  statusSpec,
  profileSpec,
  mcpSpec,
  completionsSpec,
];
