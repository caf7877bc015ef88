#!/usr/bin/env node
// This file runs VS Code's Markdown language server (the one that npm's
// vscode-langservers-extracted 4.10.0 ships) standalone over stdio, for the
// end-to-end comparison of scripts/bench/run.
//
// The server does not parse Markdown itself: it sends `markdown/parse`
// requests to its client, and VS Code's Markdown extension answers them with
// markdown-it tokens. This adapter starts the server exactly as the package's
// own entry (lib/markdown-language-server/node/main.js) does, except that its
// parser runs markdown-it in the same process, configured as VS Code's
// Markdown extension configures it (html, linkify without fuzzy links, front
// matter plugin). Everything else, the file system requests
// (`markdown/fs/*`, `markdown/findMarkdownFilesInWorkspace`) included, goes
// to the real client over stdio, as in VS Code.
//
// Usage: node markdown-server.js   (speaks LSP on stdin/stdout)
'use strict';

const path = require('path');
const lib = path.join(path.dirname(require.resolve('vscode-langservers-extracted/package.json')), 'lib', 'markdown-language-server');

const { createConnection } = require('vscode-languageserver/node');
const { TextDocuments, NotebookDocuments } = require('vscode-languageserver');
const { TextDocument } = require('vscode-languageserver-textdocument');
const md = require('vscode-markdown-languageservice');
const { URI } = require('vscode-uri');
const MarkdownIt = require('markdown-it');
const frontMatter = require('markdown-it-front-matter');

const { startServer } = require(path.join(lib, 'server.js'));
const { ConfigurationManager } = require(path.join(lib, 'configuration.js'));
const { LogFunctionLogger } = require(path.join(lib, 'logging.js'));
const { VsCodeClientWorkspace } = require(path.join(lib, 'workspace.js'));

// The markdown-it engine, set up like VS Code's (markdownEngine.ts) with the
// default settings markdown.preview.breaks = false, linkify = true,
// typographer = false.
const engine = MarkdownIt({ html: true, breaks: false, linkify: true, typographer: false });
engine.linkify.set({ fuzzyLink: false });
engine.use(frontMatter, () => {});

// VS Code removes these characters before tokenizing.
const unicodeNewlines = /\r\n|\r|\n|\u2028|\u2029/g;

const connection = createConnection(process.stdin, process.stdout);
console.log = connection.console.log.bind(connection.console);
console.error = connection.console.error.bind(connection.console);
process.on('unhandledRejection', (e) => connection.console.error(`Unhandled exception ${e}`));

const configurationManager = new ConfigurationManager(connection);
const logger = new LogFunctionLogger(connection.console.log.bind(connection.console), configurationManager);
const parser = {
  slugifier: md.githubSlugifier,
  tokenize(document) {
    return Promise.resolve(engine.parse(document.getText().replace(unicodeNewlines, (m) => (m === '\u2028' || m === '\u2029' ? '' : m)), {}));
  },
};
const documents = new TextDocuments(TextDocument);
const notebooks = new NotebookDocuments(documents);

startServer(connection, {
  documents,
  notebooks,
  configurationManager,
  logger,
  parser,
  workspaceFactory({ connection, config, workspaceFolders }) {
    const workspace = new VsCodeClientWorkspace(connection, config, documents, notebooks, logger);
    workspace.workspaceFolders = (workspaceFolders ?? []).map((x) => URI.parse(x.uri));
    return workspace;
  },
});
