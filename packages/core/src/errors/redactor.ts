const REGISTRY = Symbol.for('agentkernel.redactor.v1');
const MIN_SECRET_LENGTH = 4;
const MASK = '***';

interface RedactorState {
  secrets: Set<string>;
}

// Kept on globalThis so that two copies of core in one process (a plugin resolving its own copy)
// still share one list of secrets: a secret registered by either is masked by both.
function state(): RedactorState {
  const holder = globalThis as { [REGISTRY]?: RedactorState };
  holder[REGISTRY] ??= { secrets: new Set() };
  return holder[REGISTRY];
}

/** Registers a secret value so that {@link redact} masks it everywhere from now on. */
export function registerSecret(value: string | undefined): void {
  if (value === undefined) return;
  const trimmed = value.trim();
  // Masking a one- or two-character "secret" would shred every message; such values are not secrets.
  if (trimmed.length < MIN_SECRET_LENGTH) return;
  state().secrets.add(trimmed);
  if (trimmed !== value) state().secrets.add(value);
}

/** Every registered secret value, for checks that must keep them out of files (see sync). */
export function registeredSecrets(): string[] {
  return [...state().secrets];
}

/** Replaces every registered secret in `text` with `***`. */
export function redact(text: string): string {
  const secrets = [...state().secrets].sort((a, b) => b.length - a.length);
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  return out;
}

/** Deep-copies a JSON-like value with every string redacted, for `--json` output and logs. */
export function redactValue<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactValue(item)) as T;
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = redactValue(item);
    return out as T;
  }
  return value;
}

/** Forgets every registered secret. For tests. */
export function clearSecrets(): void {
  state().secrets.clear();
}
