// This file defines the pure parts of the extension's user interface: the
// quick pick items of "Move task to…" built from the server's refactor.move
// code actions, and the status bar text built from the server state and the
// planls.stats answer. They do not import vscode, so unit tests run in Node.

/** The parts of an LSP CodeAction (or Command) that the quick pick needs. */
export interface ActionLike {
  title: string;
  kind?: string;
  disabled?: { reason: string };
}

/** One entry of the "Move task to…" quick pick. */
export interface MoveItem {
  /** The target section's name, or the action's title when it has no "Move to" form. */
  label: string;
  /** The action's full title when the label is only the section. */
  description?: string;
  /** Index of the action in the list the items were built from. */
  index: number;
}

/**
 * Builds the quick pick items from the server's code actions: every action of
 * kind refactor.move (or a sub-kind) that is not disabled, in the server's
 * order. A title of the form `Move to "<section>"` is shown as the section.
 */
export function moveItems(actions: readonly ActionLike[]): MoveItem[] {
  const items: MoveItem[] = [];
  actions.forEach((a, index) => {
    if (a.disabled || a.kind === undefined || !(a.kind === 'refactor.move' || a.kind.startsWith('refactor.move.'))) {
      return;
    }
    const m = /^Move to "(.*)"$/s.exec(a.title);
    items.push(m ? { label: m[1], description: a.title, index } : { label: a.title, index });
  });
  return items;
}

/** The answer of the planls.stats command. */
export interface Stats {
  open: number;
  done: number;
  sections?: { name: string; open: number; done: number }[];
}

/** Reports whether v has the shape of a planls.stats answer. */
export function isStats(v: unknown): v is Stats {
  if (typeof v !== 'object' || v === null) {
    return false;
  }
  const s = v as Record<string, unknown>;
  return typeof s.open === 'number' && typeof s.done === 'number' && (s.sections === undefined || Array.isArray(s.sections));
}

/** The state of the language client, as the status bar shows it. */
export type ServerState = 'starting' | 'running' | 'stopped' | 'failed';

/** The text and tooltip (Markdown) of the status bar item. */
export interface StatusText {
  text: string;
  tooltip: string;
}

/** Escapes the characters that Markdown would interpret in a table cell. */
function mdCell(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+!|<>]/g, (c) => '\\' + c);
}

/**
 * Formats the status bar item: the server state, and for a running server the
 * current file's open and done counts when stats is known.
 */
export function statusText(state: ServerState, stats: Stats | undefined, detail = ''): StatusText {
  switch (state) {
    case 'starting':
      return { text: '$(loading~spin) planls', tooltip: 'planls: starting the language server…' };
    case 'stopped':
      return { text: '$(circle-slash) planls', tooltip: 'planls: the language server is stopped. Run "planls: Restart server".' };
    case 'failed':
      return {
        text: '$(error) planls',
        tooltip: 'planls: the language server is not running' + (detail ? `: ${detail}` : '.') + ' Click to show the output.',
      };
  }
  if (stats === undefined) {
    return { text: '$(checklist) planls', tooltip: 'planls: the language server is running.' };
  }
  const lines = [`planls: ${stats.open} open · ${stats.done} done in this file`, ''];
  if (stats.sections && stats.sections.length > 0) {
    lines.push('| section | open | done |', '|---|---:|---:|');
    for (const s of stats.sections) {
      lines.push(`| ${mdCell(s.name)} | ${s.open} | ${s.done} |`);
    }
  }
  return { text: `$(checklist) ${stats.open} open · ${stats.done} done`, tooltip: lines.join('\n') };
}
