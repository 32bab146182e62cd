/**
 * Questions for a person at a terminal (@inquirer/prompts), written to
 * stderr so stdout keeps only the result. Commands ask only when
 * `ctx.interactive` is true; every answer can also be given as a flag, so
 * nothing here is ever needed in a script.
 */

/** The questions a command may ask. */
export interface Asker {
  input(message: string, options?: { default?: string; validate?: (value: string) => true | string }): Promise<string>;
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
