---@brief
---
--- https://github.com/planls/planls
---
--- planls is a language server for Markdown plan files: to-do documents whose
--- headings are states (`## 1. doing`, `## 4. done`) and whose items are GitHub
--- task-list items (`* [ ] …`). It reports duplicate tasks, dead links and
--- misplaced tasks, offers "Mark done", "Reopen" and "Move to" code actions,
--- completes section names and link anchors, and returns its fix-all edits for
--- `textDocument/formatting`, so `vim.lsp.buf.format()` tidies a plan on save.
---
--- Install the server with Go:
---
--- ```sh
--- go install github.com/planls/planls/cmd/planls@latest
--- ```
---
--- Settings go under `settings.planls` and override `.planls.json` in the
--- workspace root (the nearest folder holding `.planls.json`, else `.git`):
---
--- ```lua
--- vim.lsp.config('planls', {
---   settings = { planls = { moveTo = 'bottom', severity = { ['duplicate-task'] = 'error' } } },
--- })
--- ```
---
--- Every setting is described in
--- https://github.com/planls/planls#settings, and the editor setup (fix-all on
--- save, key mappings for Mark done and Move to) in
--- https://github.com/planls/planls/blob/main/editors/README.md#neovim.

---@type vim.lsp.Config
return {
  cmd = { 'planls' },
  filetypes = { 'markdown' },
  root_markers = { '.planls.json', '.git' },
  -- vim.empty_dict() so that an empty table is sent as a JSON object, not [].
  settings = { planls = vim.empty_dict() },
}
