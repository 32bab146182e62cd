/**
 * The commands defined in this folder, in the order `--help` lists them. Add
 * a command by writing its `<name>.spec.ts` (definition) and `<name>.ts`
 * (the adapter: parse, call the use case in core/, render) beside this file
 * and listing the spec here; the command line, the completion scripts and
 * the MCP server pick it up from this list. The whole tree — these, then
 * `mcp` (cli/mcp/) and `completions` — is assembled in cli/command-tree.ts.
 */
import type { CommandTree } from "../command-spec.ts";
import { alignSpec } from "./align.spec.ts";
import { authSpec } from "./auth.spec.ts";
import { bounceSpec } from "./bounce.spec.ts";
import { canarySpec } from "./canary.spec.ts";
import { diagnoseSpec } from "./diagnose.spec.ts";
import { doctorSpec } from "./doctor.spec.ts";
import { draftSpec } from "./draft.spec.ts";
import { domainSpec } from "./domain.spec.ts";
import { explainSpec } from "./explain.spec.ts";
import { fixtureSpec } from "./fixture.spec.ts";
import { preflightSpec } from "./preflight.spec.ts";
import { sendSpec } from "./send.spec.ts";
import { verifySpec } from "./verify.spec.ts";
import { initSpec } from "./init.spec.ts";
import { profileSpec } from "./profile.spec.ts";
import { recipesSpec } from "./recipes.spec.ts";
import { redactSpec } from "./redact.spec.ts";
import { statusSpec } from "./status.spec.ts";

/** The commands of cli/commands (all but `mcp` and `completions`, which need the whole tree). */
export const COMMAND_SPECS: CommandTree = [
  doctorSpec,
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
  authSpec,
];
