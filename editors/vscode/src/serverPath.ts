// This file defines resolveServerPath, which decides which planls executable the
// extension starts: the planls.path setting, else the binary bundled in the
// extension (bin/planls, when it was built for this platform), else planls on
// PATH, else where `go install` puts it. It is pure (the file system and the
// environment come in as arguments) so that unit tests can run it without VS Code.

import * as path from 'node:path';

/** Where the server executable was found. */
export type ServerSource = 'setting' | 'bundled' | 'PATH' | 'go install';

/** What resolveServerPath needs to know about the machine. */
export interface ResolveInput {
  /** The planls.path setting ('' when unset). */
  configured: string;
  /** The extension's install folder (context.extensionPath). */
  extensionPath: string;
  /** The first workspace folder, to resolve a relative planls.path. */
  workspaceFolder?: string;
  /** The user's home folder, to expand a leading ~. */
  home: string;
  /** process.platform. */
  platform: string;
  /** process.arch. */
  arch: string;
  /** The environment (PATH, PATHEXT, GOBIN, GOPATH). */
  env: Record<string, string | undefined>;
  /** Reports whether file exists and is a regular file. */
  isFile(file: string): boolean;
  /** Reports whether file is a regular file the user may execute. */
  isExecutable(file: string): boolean;
  /** Returns the text of a file, or undefined when it cannot be read. */
  readFile(file: string): string | undefined;
}

/** The answer of resolveServerPath. */
export type Resolution =
  | { ok: true; path: string; source: ServerSource }
  | { ok: false; message: string; tried: string[] };

/** The command that installs planls, shown in error messages. */
export const installCommand = 'go install github.com/planls/planls/cmd/planls@latest';

/**
 * The folder layout of a bundled binary: bin/planls (bin/planls.exe on
 * Windows) and bin/TARGET, which names the VS Code target it was built for
 * ("linux-x64").
 */
export const bundledDir = 'bin';

/** Returns the VS Code target name (as vsce --target uses) of a platform. */
export function vscodeTarget(platform: string, arch: string): string {
  const os = platform === 'win32' ? 'win32' : platform === 'darwin' ? 'darwin' : platform;
  return `${os}-${arch}`;
}

/** Returns the path module whose rules match platform. */
function pathFor(platform: string): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** Expands a leading ~ and makes a relative path absolute. */
export function expandPath(p: string, home: string, base: string | undefined, platform: string): string {
  const pp = pathFor(platform);
  let out = p.trim();
  if (out === '~') {
    out = home;
  } else if (out.startsWith('~/') || (platform === 'win32' && out.startsWith('~\\'))) {
    out = pp.join(home, out.slice(2));
  }
  if (!pp.isAbsolute(out) && base) {
    out = pp.join(base, out);
  }
  return out;
}

/** Returns the candidate file names of an executable on PATH. */
function executableNames(name: string, platform: string, env: ResolveInput['env']): string[] {
  if (platform !== 'win32') {
    return [name];
  }
  const exts = (env.PATHEXT || '.COM;.EXE;.BAT;.CMD').split(';').filter((e) => e !== '');
  return exts.map((e) => name + e.toLowerCase());
}

/**
 * Finds the planls executable. A planls.path that names no executable file is
 * an error (it is not silently replaced by another binary).
 */
export function resolveServerPath(input: ResolveInput): Resolution {
  const pp = pathFor(input.platform);
  const tried: string[] = [];

  const configured = input.configured.trim();
  if (configured !== '') {
    const file = expandPath(configured, input.home, input.workspaceFolder, input.platform);
    if (!input.isFile(file)) {
      return { ok: false, message: `planls.path is set to "${configured}", but there is no file ${file}.`, tried: [file] };
    }
    if (!input.isExecutable(file)) {
      return { ok: false, message: `planls.path is set to "${configured}", but ${file} is not executable.`, tried: [file] };
    }
    return { ok: true, path: file, source: 'setting' };
  }

  const exe = input.platform === 'win32' ? 'planls.exe' : 'planls';
  const bundled = pp.join(input.extensionPath, bundledDir, exe);
  const want = vscodeTarget(input.platform, input.arch);
  if (input.isFile(bundled)) {
    const target = input.readFile(pp.join(input.extensionPath, bundledDir, 'TARGET'))?.trim();
    if (target === undefined || target === '' || target === want) {
      return { ok: true, path: bundled, source: 'bundled' };
    }
    tried.push(`${bundled} (built for ${target}, not ${want})`);
  } else {
    tried.push(bundled);
  }

  const dirs = (input.env.PATH || '').split(input.platform === 'win32' ? ';' : ':').filter((d) => d !== '');
  for (const dir of dirs) {
    for (const name of executableNames('planls', input.platform, input.env)) {
      const file = pp.join(dir, name);
      if (input.isExecutable(file)) {
        return { ok: true, path: file, source: 'PATH' };
      }
    }
  }
  tried.push('planls on PATH');

  // `go install` puts the binary in $GOBIN, else $GOPATH/bin, else ~/go/bin,
  // which a desktop session often lacks on its PATH.
  const goBins: string[] = [];
  if (input.env.GOBIN) goBins.push(input.env.GOBIN);
  for (const gopath of (input.env.GOPATH || '').split(input.platform === 'win32' ? ';' : ':')) {
    if (gopath !== '') goBins.push(pp.join(gopath, 'bin'));
  }
  goBins.push(pp.join(input.home, 'go', 'bin'));
  for (const dir of goBins) {
    const file = pp.join(dir, exe);
    if (input.isExecutable(file)) {
      return { ok: true, path: file, source: 'go install' };
    }
    tried.push(file);
  }

  return {
    ok: false,
    message:
      `Cannot find the planls language server: no binary for ${want} is bundled with the extension and ` +
      `planls is not on PATH. Install it with \`${installCommand}\`, or set planls.path.`,
    tried,
  };
}
