/**
 * Windows: the Credential Manager (generic credentials named `smtpilot:NAME`)
 * through PowerShell and the Win32 CredRead/CredWrite/CredDelete API, since
 * `cmdkey` can store but never read a secret. The script is fixed text; the
 * entry name travels as an environment variable and the secret on stdin, so
 * neither is ever part of a command line. Not exercised by this project's CI
 * (Linux only): written from the Win32 documentation.
 */
import { KEYRING_SERVICE, type KeyringBackend, KeyringError } from "./keyring-backend.ts";
import { runTool, type ToolResult } from "./run-tool.ts";

const _PS = "powershell.exe";

const _NATIVE = `
$ErrorActionPreference = 'Stop'
Add-Type -TypeDefinition @"
using System; using System.Runtime.InteropServices;
public static class SmtpilotCred {
  [StructLayout(LayoutKind.Sequential, CharSet=CharSet.Unicode)] public struct CREDENTIAL {
    public int Flags; public int Type; public string TargetName; public string Comment;
    public long LastWritten; public int CredentialBlobSize; public IntPtr CredentialBlob; public int Persist;
    public int AttributeCount; public IntPtr Attributes; public string TargetAlias; public string UserName; }
  [DllImport("advapi32.dll", CharSet=CharSet.Unicode, SetLastError=true)] public static extern bool CredRead(string t, int type, int f, out IntPtr c);
  [DllImport("advapi32.dll", CharSet=CharSet.Unicode, SetLastError=true)] public static extern bool CredWrite(ref CREDENTIAL c, int f);
  [DllImport("advapi32.dll", CharSet=CharSet.Unicode, SetLastError=true)] public static extern bool CredDelete(string t, int type, int f);
  [DllImport("advapi32.dll")] public static extern void CredFree(IntPtr c);
}
"@
$target = '${KEYRING_SERVICE}:' + $env:SMTPILOT_KEYRING_NAME
`;

const _SCRIPTS = {
  get: `${_NATIVE}
$p = [IntPtr]::Zero
if (-not [SmtpilotCred]::CredRead($target, 1, 0, [ref]$p)) { exit 44 }
$c = [Runtime.InteropServices.Marshal]::PtrToStructure($p, [type][SmtpilotCred+CREDENTIAL])
[Console]::Out.Write([Runtime.InteropServices.Marshal]::PtrToStringUni($c.CredentialBlob, $c.CredentialBlobSize / 2))
[SmtpilotCred]::CredFree($p)`,
  set: `${_NATIVE}
$secret = [Console]::In.ReadToEnd()
$c = New-Object SmtpilotCred+CREDENTIAL
$c.Type = 1; $c.Persist = 2; $c.TargetName = $target; $c.UserName = $env:SMTPILOT_KEYRING_NAME
$c.Comment = $env:SMTPILOT_KEYRING_LABEL
$c.CredentialBlob = [Runtime.InteropServices.Marshal]::StringToCoTaskMemUni($secret)
$c.CredentialBlobSize = $secret.Length * 2
if (-not [SmtpilotCred]::CredWrite([ref]$c, 0)) { exit 1 }`,
  delete: `${_NATIVE}
if (-not [SmtpilotCred]::CredDelete($target, 1, 0)) { exit 44 }`,
};

/** The Credential Manager backend. */
export function windowsCredentialManager(env: Record<string, string | undefined>): KeyringBackend {
  const run = (script: keyof typeof _SCRIPTS, name: string, input = "", label = "") =>
    runTool(
      _PS,
      ["-NoProfile", "-NonInteractive", "-Command", _SCRIPTS[script]],
      input,
      { ...env, SMTPILOT_KEYRING_NAME: name, SMTPILOT_KEYRING_LABEL: label },
    );
  return {
    name: "Windows Credential Manager",
    async get(name) {
      const r = await run("get", name);
      if (r.status === 44) return undefined;
      _check(r, "read", name);
      return r.stdout || undefined;
    },
    async set(name, value, label) {
      _check(await run("set", name, value, label), "store", name);
    },
    async delete(name) {
      const r = await run("delete", name);
      if (r.status === 44) return false;
      _check(r, "remove", name);
      return true;
    },
  };
}

function _check(r: ToolResult, action: string, name: string): void {
  if (r.startError || r.timedOut || r.status !== 0) {
    const why = r.startError ? `PowerShell could not be started (${r.startError})` : `exit status ${r.status}`;
    throw new KeyringError(
      r.startError ? "E_KEYRING_UNAVAILABLE" : "E_KEYRING_FAILED",
      `Cannot ${action} keyring entry ${name} in the Windows Credential Manager: ${why}`,
    );
  }
}
