// Structured logs: one JSON object per line, which Workers Logs indexes by
// field. Callers pass identifiers and counts only; message text, tokens and
// addresses never go in (the room logs a user's tag, not the address).
type Level = "info" | "warn" | "error";
export type LogFields = Record<string, string | number | boolean | undefined>;

export function log(level: Level, event: string, fields: LogFields = {}): void {
  const line = JSON.stringify({ level, event, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

/** The fields of an error worth logging: its kind and message, never a request's content. */
export function errorFields(err: unknown): LogFields {
  if (err instanceof Error) return { error: err.name, detail: err.message };
  return { error: typeof err };
}
