/**
 * Small scanning helpers the code-file readers (PHP, Python, Ruby) share:
 * where a quoted string ends, and an expression without its trailing
 * `# comment` — never fooled by a `#` or a quote inside a string.
 */

/** Index just after the string literal whose opening quote is at `start` (the text's end if unclosed). */
export function stringEnd(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === quote) return i + 1;
  }
  return text.length;
}

/**
 * The expression before its `# comment`, trimmed. With `interpolation`
 * (Ruby), `#{` is code, not a comment.
 */
export function withoutComment(expression: string, options: { interpolation?: boolean } = {}): string {
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i] as string;
    if (c === "'" || c === '"') i = stringEnd(expression, i) - 1;
    else if (c === "#" && !(options.interpolation && expression[i + 1] === "{")) return expression.slice(0, i).trim();
  }
  return expression.trim();
}
