/**
 * Questions for a person at a terminal (@inquirer/prompts), written to
 * stderr so stdout keeps only the result. Commands ask only when
 * `ctx.interactive` is true; every answer can also be given as a flag, so
 * nothing here is ever needed in a script.
 */

/** The questions a command may ask. */
export interface Asker {
  input(
    message: string,
    options?: { default?: string; validate?: (value: string) => true | string; display?: (value: string) => string },
  ): Promise<string>;
  select<T extends string>(
    message: string,
    choices: readonly { value: T; name: string; description?: string }[],
  ): Promise<T>;
  confirm(message: string, defaultValue?: boolean): Promise<boolean>;
}

/** The terminal asker (loads the prompt library on first use). */
export const terminalAsker: Asker = {
  async input(message, options = {}) {
    const { input } = await import("@inquirer/prompts");
    return await input(
      {
        message,
        ...(options.default !== undefined ? { default: options.default } : {}),
        ...(options.validate ? { validate: options.validate } : {}),
        ...(options.display ? { transformer: options.display } : {}),
      },
      { output: process.stderr },
    );
  },
  async select(message, choices) {
    const { select } = await import("@inquirer/prompts");
    return await select({ message, choices: [...choices] }, { output: process.stderr });
  },
  async confirm(message, defaultValue = true) {
    const { confirm } = await import("@inquirer/prompts");
    return await confirm({ message, default: defaultValue }, { output: process.stderr });
  },
};

/**
 * How a typed secret reference is shown while typing: as typed while it is
 * (the start of) a reference, masked as soon as it is not — a password
 * pasted into the wrong prompt never appears on the screen.
 */
export function referenceDisplay(value: string): string {
  const kinds = ["env:", "dotenv:", "cmd:", "prompt"];
  const plausible = kinds.some((k) => value.startsWith(k) || k.startsWith(value));
  return plausible ? value : "*".repeat(value.length);
}
