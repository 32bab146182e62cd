/**
 * smtpilot's guard for swaks: a small Perl module loaded into swaks with
 * PERL5OPT, written to a private folder for the run. It does two things
 * swaks itself cannot be told to do:
 *
 * - On swaks older than 20240103 (Debian 12 ships 20201014), `--tls-verify`
 *   checks the certificate chain but not the host name. When
 *   SMTPILOT_SWAKS_VERIFY_NAME is set, the guard asks OpenSSL to check that
 *   name during swaks' own handshake (X509_VERIFY_PARAM_set1_host, or _ip
 *   for an address), so a certificate for another name fails the handshake
 *   before swaks sends a single credential. It prints the name it armed, so
 *   smtpilot can see the check was in place.
 * - swaks falls back to ~/.netrc for a password it was not given; the guard
 *   turns that off, so the secret tried is the one smtpilot was given.
 *
 * Net::SSLeay is wrapped only once swaks loads it (an @INC hook): loading it
 * earlier would give its prototypes to swaks' compile and break swaks.
 * The guard announces itself on load; smtpilot writes the password to swaks'
 * stdin only after that line, so a swaks that ignores PERL5OPT never gets it.
 */
import fs from "node:fs";
import path from "node:path";

/** The module name PERL5OPT loads (`-MSmtpilotSwaksGuard`). */
export const GUARD_MODULE = "SmtpilotSwaksGuard";

/** The line the guard prints when it loaded. */
export const GUARD_LOADED = "guard loaded";

const _SOURCE = `package ${GUARD_MODULE};
use strict;
use warnings;
my $name = $ENV{SMTPILOT_SWAKS_VERIFY_NAME};
sub _arm {
  no warnings 'redefine';
  no strict 'refs';
  my $connect = \\&Net::SSLeay::connect;
  *{"Net::SSLeay::connect"} = sub ($) {
    my ($ssl) = @_;
    my $param = Net::SSLeay::get0_param($ssl);
    my $ok = $name =~ /^[0-9.]+$|:/ ? Net::SSLeay::X509_VERIFY_PARAM_set1_ip_asc($param, $name)
                                    : Net::SSLeay::X509_VERIFY_PARAM_set1_host($param, $name);
    if (!$ok) { print STDOUT "*** smtpilot: could not arm the host name check\\n"; return -1; }
    Net::SSLeay::set_verify($ssl, 1, undef);
    print STDOUT "=== smtpilot: the certificate must be valid for $name\\n";
    return $connect->($ssl);
  };
}
if (defined $name && length $name) {
  my $hook;
  $hook = sub {
    my (undef, $file) = @_;
    return unless $file eq 'Net/SSLeay.pm';
    @INC = grep { !(ref $_ && $_ == $hook) } @INC;
    require Net::SSLeay;
    _arm();
    my $src = "1;\\n";
    open(my $fh, '<', \\$src);
    return $fh;
  };
  unshift @INC, $hook;
}
unshift @INC, sub {
  my (undef, $file) = @_;
  return unless $file eq 'Net/Netrc.pm';
  my $src = "package Net::Netrc; sub lookup { return undef } 1;\\n";
  open(my $fh, '<', \\$src);
  return $fh;
};
print STDOUT "=== smtpilot: ${GUARD_LOADED}\\n";
1;
`;

/** Writes the guard into `dir` (a private folder of the run); returns the folder for PERL5LIB. */
export function writeGuard(dir: string): string {
  fs.writeFileSync(path.join(dir, `${GUARD_MODULE}.pm`), _SOURCE, { mode: 0o600 });
  return dir;
}

/** The variables swaks and Perl need from the caller's environment; nothing else is passed on. */
const _PASSED = /^(PATH|HOME|USER|LOGNAME|LANG|LANGUAGE|LC_[A-Z_]+|TZ|TMPDIR|TERM|SSL_CERT_FILE|SSL_CERT_DIR)$/;

/**
 * The environment swaks runs with: only the caller's variables swaks and
 * Perl need (an allowlist: a SWAKS_OPT_* would add options behind
 * smtpilot's back, and an `env:` reference's variable holds the secret,
 * which /proc/<pid>/environ shows to the same user), never one holding a
 * secret of the run, plus the guard. `verifyName` arms the host name check.
 */
export function guardedEnv(
  base: NodeJS.ProcessEnv,
  guardDir: string,
  verifyName?: string,
  secrets: readonly string[] = [],
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const holdsSecret = (value: string | undefined) =>
    value !== undefined && secrets.some((s) => s.length > 0 && value.includes(s));
  for (const [key, value] of Object.entries(base)) {
    if (_PASSED.test(key) && !holdsSecret(value)) env[key] = value;
  }
  env.PERL5LIB = base.PERL5LIB ? `${guardDir}${path.delimiter}${base.PERL5LIB}` : guardDir;
  env.PERL5OPT = `-M${GUARD_MODULE}`;
  if (verifyName !== undefined) env.SMTPILOT_SWAKS_VERIFY_NAME = verifyName;
  return env;
}
