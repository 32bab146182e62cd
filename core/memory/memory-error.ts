/**
 * Errors about the memory folder. Each names the file, the line and the
 * field a person has to fix — and never the value, which may be a secret
 * someone pasted. A memory that does not parse or validate is an
 * environment problem (exit 3): smtpilot stops and rewrites nothing.
 */
import path from "node:path";
import { SmtpilotError } from "../errors.ts";
import { EXIT_ENVIRONMENT, EXIT_USAGE } from "../exit.ts";

/** A memory file that does not parse or validate (`E_MEMORY_INVALID`, exit 3). */
export class MemoryError extends SmtpilotError {
  readonly file: string;
  readonly line: number | undefined;
  readonly field: string | undefined;

  constructor(
    file: string,
    line: number | undefined,
    field: string | undefined,
    problem: string,
    code = "E_MEMORY_INVALID",
  ) {
    super(
      code,
      EXIT_ENVIRONMENT,
      `${file}${line ? ` line ${line}` : ""}${field ? `, field ${field}` : ""}: ${problem}`,
    );
    this.file = file;
    this.line = line;
    this.field = field;
  }
}

/** A secret value found in a memory file (`E_MEMORY_SECRET`, exit 3); the value is never shown. */
export class MemorySecretError extends MemoryError {
  constructor(file: string, line: number | undefined, field: string | undefined, what: string) {
    super(
      file,
      line,
      field,
      `holds ${what}, not a secret reference; the value is not shown. Remove it and use env:NAME, ` +
        "dotenv:FILE#KEY, cmd:COMMAND, keyring:NAME or prompt",
      "E_MEMORY_SECRET",
    );
  }
}

/** A value about to be written that looks like a secret (`E_SECRET_VALUE`, exit 2); nothing was written. */
export class SecretValueError extends SmtpilotError {
  readonly field: string;
  constructor(field: string, what: string) {
    super(
      "E_SECRET_VALUE",
      EXIT_USAGE,
      `Refusing to store ${field}: it holds ${what}, not a secret reference (the value is not shown); ` +
        "give a reference such as env:SMTP_PASSWORD instead",
    );
    this.field = field;
  }
}

/** The memory folder or one of its files is missing (`E_MEMORY_MISSING`, exit 3). */
export class MemoryMissingError extends SmtpilotError {
  constructor(message: string) {
    super("E_MEMORY_MISSING", EXIT_ENVIRONMENT, message);
  }
}

/** Another smtpilot holds the file's lock for too long (`E_MEMORY_LOCKED`, exit 3). */
export class MemoryLockedError extends SmtpilotError {
  constructor(message: string) {
    super("E_MEMORY_LOCKED", EXIT_ENVIRONMENT, message);
  }
}

/** A named profile that does not exist (`E_PROFILE_NOT_FOUND`, exit 2). */
export class ProfileNotFoundError extends SmtpilotError {
  constructor(message: string) {
    super("E_PROFILE_NOT_FOUND", EXIT_USAGE, message);
  }
}

/**
 * A memory file could not be written whole — disk full, quota, an I/O error
 * (`E_MEMORY_WRITE`, exit 3). What was cut short was taken back where the
 * system allowed it (`restored`), so the file holds what it held before.
 */
export class MemoryWriteError extends SmtpilotError {
  /** The operating system's reason (ENOSPC, EDQUOT, EIO…). */
  readonly errno: string;
  readonly restored: boolean;
  constructor(file: string, errno: string, restored: boolean) {
    super(
      "E_MEMORY_WRITE",
      EXIT_ENVIRONMENT,
      `Writing ${path.basename(file)} in ${path.dirname(file)} failed (${errno}${
        errno === "ENOSPC" ? ": no space left on the device" : ""
      }); ${
        restored
          ? "nothing was recorded, the file is as it was"
          : "the file may end in a torn entry, which readers skip"
      }`,
    );
    this.errno = errno;
    this.restored = restored;
  }
}

/**
 * A path inside the memory folder is a symbolic link or not a regular file
 * (`E_MEMORY_LINK`, exit 3). smtpilot never follows a link there: one could
 * make it append to, truncate or change the mode of any file the user can
 * write.
 */
export class MemoryLinkError extends SmtpilotError {
  constructor(file: string, what = "a symbolic link") {
    super(
      "E_MEMORY_LINK",
      EXIT_ENVIRONMENT,
      `${path.basename(file)} in ${path.dirname(file)} is ${what}; smtpilot does not follow links or open ` +
        "special files inside the memory folder: put the file itself there",
    );
  }
}

/**
 * The memory folder or one of its files could be changed by someone else:
 * owned by another user (not root), or writable by group or others
 * (`E_MEMORY_UNSAFE`, exit 3). Whoever can write there can point a
 * profile's credentials at their own server or name a plugin that runs as
 * this user.
 */
export class MemoryUnsafeError extends SmtpilotError {
  constructor(message: string) {
    super("E_MEMORY_UNSAFE", EXIT_ENVIRONMENT, message);
  }
}
