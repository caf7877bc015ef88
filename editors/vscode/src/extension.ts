// This file defines the planls VS Code extension: it finds the planls
// executable, starts it as a language client for Markdown files (on disk and
// untitled), answers the server's configuration requests with only the values
// the user set, and adds the commands Mark done, Reopen, Toggle checkbox,
// Move task to…, Restart server and Show output, and a status bar item with the
// server state and the current file's open/done counts.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  CodeAction as LspCodeAction,
  CodeActionKind,
  CodeActionRequest,
  CodeActionResolveRequest,
  CodeActionTriggerKind,
  Command as LspCommand,
  ConfigurationParams,
  ConfigurationRequest,
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  LSPAny,
  ResponseError,
  ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';
import { moveItems, isStats, ServerState, Stats, statusText } from './presentation';
import { installCommand, resolveServerPath } from './serverPath';
import { collectUserSettings, isPlanlsSection, serverSettingKeys, settingsForSection } from './settings';

/** Where the error message's "How to install" button leads. */
const installURL = 'https://github.com/planls/planls/blob/main/editors/README.md#vs-code';

/** The documents the server handles: Markdown files on disk and unsaved ones. */
const documentSelector = [
  { scheme: 'file', language: 'markdown' },
  { scheme: 'untitled', language: 'markdown' },
];

let client: LanguageClient | undefined;
let clientState: ServerState = 'stopped';
let failure = '';
let output: vscode.LogOutputChannel;
let status: StatusBar;
let settingKeys: string[] = [];

/** Activates the extension: registers commands and starts the server. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('planls', { log: true });
  status = new StatusBar();
  const manifest = context.extension.packageJSON as {
    contributes?: { configuration?: { properties?: Record<string, unknown> } };
  };
  settingKeys = serverSettingKeys(manifest.contributes?.configuration?.properties ?? {});
  context.subscriptions.push(
    output,
    status,
    vscode.commands.registerCommand('planls.markTaskDone', () => runServerCommand('planls.markDone')),
    vscode.commands.registerCommand('planls.reopenTask', () => runServerCommand('planls.reopen')),
    vscode.commands.registerCommand('planls.toggleCheckbox', () => runServerCommand('planls.toggleTask')),
    vscode.commands.registerCommand('planls.moveTaskTo', () => moveTaskTo()),
    vscode.commands.registerCommand('planls.restartServer', () => restart(context)),
    vscode.commands.registerCommand('planls.showOutput', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration('planls.path')) {
        return;
      }
      const choice = await vscode.window.showInformationMessage('planls.path changed. Restart the planls server?', 'Restart');
      if (choice === 'Restart') {
        await restart(context);
      }
    }),
  );
  await start(context);
}

/** Stops the server when the extension is deactivated. */
export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    await c.stop().catch(() => undefined);
  }
}

/** Reports whether a file exists and is executable by this user. */
function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Finds the executable, creates the language client and starts it. */
async function start(context: vscode.ExtensionContext): Promise<void> {
  clientState = 'starting';
  failure = '';
  status.update();
  const config = vscode.workspace.getConfiguration('planls');
  const resolution = resolveServerPath({
    configured: config.get<string>('path', ''),
    extensionPath: context.extensionPath,
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    home: os.homedir(),
    platform: process.platform,
    arch: process.arch,
    env: process.env,
    isFile: (f) => {
      try {
        return fs.statSync(f).isFile();
      } catch {
        return false;
      }
    },
    isExecutable,
    readFile: (f) => {
      try {
        return fs.readFileSync(f, 'utf8');
      } catch {
        return undefined;
      }
    },
  });
  if (!resolution.ok) {
    clientState = 'failed';
    failure = 'planls was not found';
    status.update();
    output.error(resolution.message);
    output.error('Looked for: ' + resolution.tried.join(', '));
    void vscode.window
      .showErrorMessage(resolution.message, 'How to install', 'Open Settings', 'Copy install command')
      .then((choice) => {
        if (choice === 'How to install') {
          void vscode.env.openExternal(vscode.Uri.parse(installURL));
        } else if (choice === 'Open Settings') {
          void vscode.commands.executeCommand('workbench.action.openSettings', 'planls.path');
        } else if (choice === 'Copy install command') {
          void vscode.env.clipboard.writeText(installCommand);
        }
      });
    return;
  }
  if (resolution.source === 'bundled' && !isExecutable(resolution.path)) {
    // A copy that lost its exec bit (some unzip tools drop it) is repaired once.
    try {
      fs.chmodSync(resolution.path, 0o755);
    } catch (e) {
      output.warn(`cannot make ${resolution.path} executable: ${String(e)}`);
    }
  }
  output.info(`starting ${resolution.path} (from ${resolution.source})`);

  const serverOptions: ServerOptions = {
    command: resolution.path,
    args: [],
    transport: TransportKind.stdio,
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    outputChannel: output,
    // Asks the client to send workspace/didChangeConfiguration when a planls
    // setting changes; the middleware below decides what it carries.
    synchronize: { configurationSection: 'planls' },
    middleware: {
      workspace: {
        configuration: (params, token, next) => answerConfiguration(params, token, next),
        didChangeConfiguration: async () => {
          // The server re-reads workspace/configuration; the payload carries
          // the same user-set values for servers that read it instead.
          await c.sendNotification(DidChangeConfigurationNotification.type, {
            settings: { planls: userSettings(undefined) },
          });
        },
      },
    },
  };
  const c = new LanguageClient('planls', 'planls', serverOptions, clientOptions);
  client = c;
  context.subscriptions.push(
    c.onDidChangeState((e) => {
      if (client !== c) {
        return;
      }
      clientState = e.newState === State.Running ? 'running' : e.newState === State.Starting ? 'starting' : 'stopped';
      status.update();
    }),
  );
  try {
    await c.start();
    clientState = 'running';
  } catch (e) {
    clientState = 'failed';
    failure = e instanceof Error ? e.message : String(e);
    output.error(`the planls server failed to start: ${failure}`);
  }
  status.update();
}

/** Stops the current client, if any, and starts a new one. */
async function restart(context: vscode.ExtensionContext): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    await c.stop().catch((e) => output.warn(`stopping the server: ${String(e)}`));
    c.dispose().catch(() => undefined);
  }
  await start(context);
}

/** Returns the planls settings the user set for a resource (or globally). */
function userSettings(resource: vscode.Uri | undefined): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration('planls', resource);
  const extra = Object.keys(config).filter((k) => typeof (config as unknown as Record<string, unknown>)[k] !== 'function');
  return collectUserSettings(settingKeys, extra, (key) => config.inspect(key));
}

/**
 * Answers workspace/configuration: planls sections get only the user-set
 * values, any other section what the client would answer by default.
 */
async function answerConfiguration(
  params: ConfigurationParams,
  token: vscode.CancellationToken,
  next: ConfigurationRequest.HandlerSignature,
): Promise<LSPAny[] | ResponseError<void>> {
  const answer = await next(params, token);
  if (!Array.isArray(answer)) {
    return answer;
  }
  const defaults: unknown[] = answer;
  return params.items.map((item, i): unknown => {
    if (!isPlanlsSection(item.section)) {
      return defaults[i];
    }
    const resource = item.scopeUri && client ? client.protocol2CodeConverter.asUri(item.scopeUri) : undefined;
    return settingsForSection(userSettings(resource), item.section);
  });
}

/** Returns the active editor when it shows a Markdown document planls handles. */
function activePlanEditor(): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || vscode.languages.match(documentSelector, editor.document) === 0) {
    return undefined;
  }
  return editor;
}

/** Returns the running client, or tells the user why there is none. */
function runningClient(): LanguageClient | undefined {
  if (client && client.isRunning()) {
    return client;
  }
  void vscode.window.showWarningMessage('The planls language server is not running.', 'Show Output').then((c) => {
    if (c) output.show(true);
  });
  return undefined;
}

/**
 * Runs a server command (planls.markDone, planls.reopen, planls.toggleTask) on
 * the task at the cursor or the tasks of the selection. The server applies the
 * edit with workspace/applyEdit.
 */
async function runServerCommand(command: string): Promise<void> {
  const editor = activePlanEditor();
  if (!editor) {
    void vscode.window.showInformationMessage('planls: open a Markdown plan file and put the cursor on a task.');
    return;
  }
  const c = runningClient();
  if (!c) {
    return;
  }
  const args = {
    uri: c.code2ProtocolConverter.asUri(editor.document.uri),
    range: c.code2ProtocolConverter.asRange(editor.selection),
  };
  try {
    await c.sendRequest(ExecuteCommandRequest.type, { command, arguments: [args] });
  } catch (e) {
    void vscode.window.showErrorMessage(`planls: ${command} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Reports whether v is an LSP CodeAction rather than a bare Command. */
function isCodeAction(v: LspCodeAction | LspCommand): v is LspCodeAction {
  return typeof (v as LspCommand).command !== 'string';
}

/**
 * "Move task to…": asks the server for the refactor.move code actions at the
 * selection, shows their target sections in a quick pick and applies the one
 * chosen.
 */
async function moveTaskTo(): Promise<void> {
  const editor = activePlanEditor();
  if (!editor) {
    void vscode.window.showInformationMessage('planls: open a Markdown plan file and put the cursor on a task.');
    return;
  }
  const c = runningClient();
  if (!c) {
    return;
  }
  const uri = c.code2ProtocolConverter.asUri(editor.document.uri);
  const version = editor.document.version;
  let result: (LspCodeAction | LspCommand)[] | null;
  try {
    result = await c.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: c.code2ProtocolConverter.asRange(editor.selection),
      context: { diagnostics: [], only: [CodeActionKind.RefactorMove], triggerKind: CodeActionTriggerKind.Invoked },
    });
  } catch (e) {
    void vscode.window.showErrorMessage(`planls: cannot list the sections: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  const actions = (result ?? []).filter(isCodeAction);
  const items = moveItems(actions);
  if (items.length === 0) {
    void vscode.window.showInformationMessage('planls: there is no task at the cursor to move.');
    return;
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Move task to…',
    placeHolder: 'Section to move the task to',
    matchOnDescription: true,
  });
  if (!picked) {
    return;
  }
  if (editor.document.version !== version) {
    void vscode.window.showWarningMessage('planls: the file changed while choosing; run Move task to… again.');
    return;
  }
  await applyCodeAction(c, actions[picked.index]);
}

/** Applies a code action: resolves it if needed, then its edit, then its command. */
async function applyCodeAction(c: LanguageClient, action: LspCodeAction): Promise<void> {
  let a = action;
  const canResolve = (c.initializeResult?.capabilities.codeActionProvider as { resolveProvider?: boolean } | undefined)
    ?.resolveProvider;
  if (a.edit === undefined && a.command === undefined && canResolve) {
    a = await c.sendRequest(CodeActionResolveRequest.type, a);
  }
  if (a.edit) {
    const edit = await c.protocol2CodeConverter.asWorkspaceEdit(a.edit);
    if (!(await vscode.workspace.applyEdit(edit))) {
      void vscode.window.showErrorMessage(`planls: VS Code did not apply "${a.title}" (the file may have changed).`);
      return;
    }
  }
  if (a.command) {
    await c.sendRequest(ExecuteCommandRequest.type, { command: a.command.command, arguments: a.command.arguments });
  }
}

/**
 * The status bar item: the server state, and for a plan file the counts of
 * open and done tasks that planls.stats returns. Clicking it shows the output.
 */
class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('planls.status', vscode.StatusBarAlignment.Right, 100);
  private readonly listeners: vscode.Disposable[];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private seq = 0;

  constructor() {
    this.item.name = 'planls';
    this.item.command = 'planls.showOutput';
    this.listeners = [
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document) this.update(400);
      }),
    ];
  }

  /** Refreshes the item after delay milliseconds (coalescing bursts). */
  update(delay = 0): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), delay);
  }

  private async refresh(): Promise<void> {
    const seq = ++this.seq;
    const editor = activePlanEditor();
    if (!editor && clientState !== 'failed') {
      this.item.hide();
      return;
    }
    let stats: Stats | undefined;
    const c = client;
    const commands = c?.initializeResult?.capabilities.executeCommandProvider?.commands ?? [];
    if (editor && c && clientState === 'running' && commands.includes('planls.stats')) {
      try {
        const uri = c.code2ProtocolConverter.asUri(editor.document.uri);
        const answer: unknown = await c.sendRequest(ExecuteCommandRequest.type, { command: 'planls.stats', arguments: [{ uri }] });
        if (isStats(answer)) stats = answer;
      } catch {
        // A file the server cannot count shows the state alone.
      }
    }
    if (seq !== this.seq) {
      return;
    }
    const { text, tooltip } = statusText(clientState, stats, failure);
    this.item.text = text;
    this.item.tooltip = new vscode.MarkdownString(tooltip);
    this.item.show();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.item.dispose();
    for (const l of this.listeners) l.dispose();
  }
}
