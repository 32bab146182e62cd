/**
 * `smtpilot canary add|list|rm`: edits the canary list in memory.md under
 * its lock. An address is stored in its canonical form (ASCII domain), the
 * IMAP secret only as a reference; adding never touches the network.
 */
import { UsageError } from "../../core/errors.ts";
import type { Canary } from "../../core/memory/index.ts";
import { hasControl, printable, shown } from "../../core/printable.ts";
import { parseSecretRef } from "../../core/secrets.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";
import { memoryOf } from "../../core/memory/run-memory.ts";
import { approveByPerson } from "../../core/person-approval.ts";
import { hostValue, mailboxValue } from "../../core/validate.ts";
import { CANARIES_SCHEMA } from "../../core/schemas.ts";

/** Flags of `canary add`. */
interface _AddFlags {
  note?: string;
  imapHost?: string;
  imapPort?: number;
  imapTls?: "implicit" | "starttls";
  imapUser?: string;
  imapSecret?: string;
  imapServername?: string;
  imapCa?: string;
  replace?: true;
}

/** The canonical form of an address argument. */
export function canaryAddress(value: unknown): string {
  return mailboxValue("canary address", String(value)).address;
}

/** Runs `canary add`. */
export async function runCanaryAdd(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const address = canaryAddress(input.args[0]);
  const flags = input.options as _AddFlags;
  const imapGiven = [
    flags.imapPort,
    flags.imapTls,
    flags.imapUser,
    flags.imapSecret,
    flags.imapServername,
    flags.imapCa,
  ]
    .some((x) => x !== undefined);
  if (imapGiven && flags.imapHost === undefined) throw new UsageError("The --imap-* flags need --imap-host");
  if (flags.imapHost !== undefined && flags.imapSecret === undefined) {
    throw new UsageError("--imap-host needs --imap-secret REF (a reference such as env:CANARY_IMAP_PASSWORD)");
  }
  if (flags.imapSecret !== undefined) parseSecretRef(flags.imapSecret);
  for (const [flag, value] of [["--note", flags.note], ["--imap-user", flags.imapUser]] as const) {
    if (value !== undefined && hasControl(value)) {
      throw new UsageError(`Invalid ${flag}: control characters are not allowed`);
    }
  }
  const entry: Canary = {
    address,
    addedAt: new Date().toISOString(),
    ...(flags.note !== undefined ? { note: flags.note } : {}),
    ...(flags.imapHost !== undefined
      ? {
        imap: {
          host: hostValue("--imap-host", flags.imapHost),
          port: flags.imapPort ?? (flags.imapTls === "starttls" ? 143 : 993),
          tls: flags.imapTls ?? "implicit",
          user: flags.imapUser ?? address,
          secret: flags.imapSecret as string,
          ...(flags.imapServername ? { servername: hostValue("--imap-servername", flags.imapServername) } : {}),
          ...(flags.imapCa ? { ca: flags.imapCa } : {}),
        },
      }
      : {}),
  };
  if (ctx.agent) {
    // A program acting for a person may not widen where mail can go, nor where verification looks.
    const before = (await memoryOf(ctx).settings()).canaries.find((c) =>
      c.address.toLowerCase() === address.toLowerCase()
    );
    const show = (c: Canary | undefined) => (c ? JSON.stringify(c.imap ?? "no IMAP access") : "not on the list");
    await approveByPerson(
      ctx,
      `Approve ${address} as a canary recipient? A canary send may then deliver live mail to it.\n` +
        `IMAP access for verification: ${show(entry)}${before ? `\nIt replaces: ${show(before)}` : ""}`,
      `canary-add\n${JSON.stringify(entry.imap ?? null)}\n${address.toLowerCase()}\n${
        JSON.stringify(before?.imap ?? null)
      }`,
    );
  }
  const settings = await memoryOf(ctx).updateSettings((s) => {
    const at = s.canaries.findIndex((c) => c.address.toLowerCase() === address.toLowerCase());
    if (at >= 0 && !flags.replace) {
      throw new UsageError(`${shown(address)} is already a canary; pass --replace to change its entry`);
    }
    if (at >= 0) s.canaries[at] = entry;
    else s.canaries.push(entry);
  });
  return _result(settings.canaries, `Canary approved: ${address}${entry.imap ? " (IMAP verification set up)" : ""}`);
}

/** Runs `canary list`. */
export async function runCanaryList(_input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const { canaries } = await memoryOf(ctx).settings();
  return _result(canaries, canaries.length === 0 ? "No canary recipients (smtpilot canary add ADDRESS)" : undefined);
}

/** Runs `canary rm`. */
export async function runCanaryRm(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const address = canaryAddress(input.args[0]);
  const settings = await memoryOf(ctx).updateSettings((s) => {
    const before = s.canaries.length;
    s.canaries = s.canaries.filter((c) => c.address.toLowerCase() !== address.toLowerCase());
    if (s.canaries.length === before) throw new UsageError(`${shown(address)} is not on the canary list`);
  });
  return _result(settings.canaries, `Canary removed: ${address}`);
}

function _result(canaries: readonly Canary[], headline: string | undefined): CommandResult {
  // memory.md is edited by hand too: what it holds is printed made safe.
  const rows = canaries.map((c) =>
    `  ${c.address.padEnd(36)} ${
      c.imap ? `imap ${c.imap.host}:${c.imap.port} as ${c.imap.user}` : "no IMAP (verify by --placement)"
    }${c.note ? `  — ${c.note}` : ""}`
  );
  const text = [
    ...(headline ? [headline] : []),
    ...(canaries.length > 0 ? ["Canary recipients:", ...rows.map((r) => printable(r, 400))] : []),
  ];
  return { exitCode: 0, document: { schema: CANARIES_SCHEMA, canaries }, text: `${text.join("\n")}\n` };
}
