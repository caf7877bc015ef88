// This file defines how the extension answers the server's
// workspace/configuration requests: with only the values the user actually set
// (in user, workspace or folder settings), nested as the server reads them, so
// that the defaults VS Code knows from package.json never override the
// workspace's .planls.json. It is pure so that unit tests run without VS Code.

/** The parts of vscode.WorkspaceConfiguration.inspect() that matter here. */
export interface Inspected {
  defaultValue?: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/** Settings of the extension itself, which the server does not know. */
export const clientOnlyKeys: readonly string[] = ['path', 'trace.server', 'trace'];

/** Reports whether v is a plain JSON object (not an array, not null). */
function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Returns the value the user set for one setting, or undefined when only the
 * default applies. The most specific scope wins (folder over workspace over
 * user); object values (such as planls.sections) merge entry by entry in that
 * order, as VS Code merges them.
 */
export function userValue(inspected: Inspected | undefined): unknown {
  if (inspected === undefined) {
    return undefined;
  }
  const scopes = [inspected.globalValue, inspected.workspaceValue, inspected.workspaceFolderValue].filter(
    (v) => v !== undefined,
  );
  if (scopes.length === 0) {
    return undefined;
  }
  if (scopes.every(isObject)) {
    return Object.assign({}, ...scopes);
  }
  return scopes[scopes.length - 1];
}

/**
 * Returns the keys below "planls." of the settings the extension contributes
 * (package.json's contributes.configuration.properties), without the
 * extension's own settings.
 */
export function serverSettingKeys(properties: Record<string, unknown>): string[] {
  return Object.keys(properties)
    .filter((k) => k.startsWith('planls.'))
    .map((k) => k.slice('planls.'.length))
    .filter((k) => !clientOnlyKeys.includes(k));
}

/** Sets obj[a][b]… for the dotted key "a.b…", creating the objects between. */
function setDotted(obj: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let cur = obj;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (!isObject(next)) {
      cur[part] = {};
    }
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}

/**
 * Collects the settings the user set. keys are the known settings below
 * "planls." (such as "severity.duplicate-task"); extraKeys are other top-level
 * keys found under "planls" (typos, settings of a newer server), which are
 * passed on so that the server can warn about them. inspect returns the
 * inspect() result of a key below "planls.".
 */
export function collectUserSettings(
  keys: readonly string[],
  extraKeys: readonly string[],
  inspect: (key: string) => Inspected | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const v = userValue(inspect(key));
    if (v !== undefined) {
      setDotted(out, key, v);
    }
  }
  const groups = new Set(keys.map((k) => k.split('.')[0]));
  for (const key of extraKeys) {
    if (groups.has(key) || clientOnlyKeys.includes(key)) {
      continue;
    }
    const v = userValue(inspect(key));
    if (v !== undefined) {
      setDotted(out, key, v);
    }
  }
  return out;
}

/**
 * Returns the part of the collected settings that a workspace/configuration
 * item asks for: the whole object for section "planls", the value at the
 * dotted path for "planls.x.y", and null when the user set nothing there.
 */
export function settingsForSection(settings: Record<string, unknown>, section: string): unknown {
  if (section === 'planls') {
    return settings;
  }
  let cur: unknown = settings;
  for (const part of section.slice('planls.'.length).split('.')) {
    if (!isObject(cur) || !(part in cur)) {
      return null;
    }
    cur = cur[part];
  }
  return cur;
}

/** Reports whether a workspace/configuration section is planls's. */
export function isPlanlsSection(section: string | null | undefined): section is string {
  return section === 'planls' || (typeof section === 'string' && section.startsWith('planls.'));
}
