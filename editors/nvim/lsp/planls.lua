-- planls, the language server for Markdown plan files, as a Neovim ≥ 0.11 LSP
-- configuration (:help lsp-config). Copy this file into an `lsp/` folder on
-- 'runtimepath' (for example ~/.config/nvim/lsp/planls.lua) and enable it:
--
--   vim.lsp.enable('planls')
--
-- Install the server with `go install github.com/planls/planls/cmd/planls@latest`
-- ($(go env GOPATH)/bin must be on PATH). editors/README.md has the on-save
-- fix-all recipe and key mappings for Mark done and Move to.

---@type vim.lsp.Config
return {
  cmd = { 'planls' },
  filetypes = { 'markdown' },
  -- The workspace is the nearest folder holding .planls.json, else .git.
  root_markers = { '.planls.json', '.git' },
  settings = {
    -- Sent for workspace/configuration section "planls". Only what is set here
    -- is sent, so .planls.json in the workspace and the server's defaults apply
    -- to the rest. Set values from your config, for example
    --
    --   vim.lsp.config('planls', { settings = { planls = { wipLimit = 5 } } })
    --
    -- vim.empty_dict() keeps the empty table a JSON object ({} is sent as []).
    -- Every setting with its default (generated from the Go schema by
    -- editors/vscode/scripts/gen-settings.mjs; analysis/editors_test.go checks it):
    -- settings:begin
    --   severity = {
    --     ['duplicate-task'] = 'warning',
    --     ['duplicate-section'] = 'warning',
    --     ['missing-file'] = 'warning',
    --     ['missing-anchor'] = 'warning',
    --     ['dead-url'] = 'warning',
    --     ['done-outside-done'] = 'information',
    --     ['open-in-done'] = 'information',
    --     ['malformed-checkbox'] = 'warning',
    --     ['duplicate-task-workspace'] = 'off',
    --     ['wip-limit'] = 'off',
    --     ['file-too-large'] = 'information',
    --   },
    --   doneNames = { 'done', 'completed', 'complete', 'finished', 'archive', 'archived', '完成', '已完成' },
    --   sections = {
    --     backlog = 'todo',
    --     blocked = 'on_hold',
    --     canceled = 'cancelled',
    --     cancelled = 'cancelled',
    --     doing = 'in_progress',
    --     ['in progress'] = 'in_progress',
    --     next = 'todo',
    --     ['on hold'] = 'on_hold',
    --     plan = 'todo',
    --     ['to do'] = 'todo',
    --     todo = 'todo',
    --     wait = 'on_hold',
    --     waiting = 'on_hold',
    --     wip = 'in_progress',
    --     ['取消'] = 'cancelled',
    --     ['已取消'] = 'cancelled',
    --     ['待办'] = 'todo',
    --     ['等待'] = 'on_hold',
    --     ['计划'] = 'todo',
    --     ['进行中'] = 'in_progress',
    --   },
    --   reopenSection = '',
    --   extendedStatuses = true,
    --   anchors = 'auto',
    --   ignoreLinks = {},
    --   checkExternalLinks = false,
    --   allowHosts = {},
    --   denyHosts = {},
    --   exclude = {},
    --   wipLimit = 0,
    --   moveTo = 'top',
    --   moveTargets = {},
    --   doneStamp = '',
    --   fixAll = {
    --     moveClosed = true,
    --     moveOpen = true,
    --     normalizeCheckboxes = true,
    --     removeDuplicates = true,
    --   },
    --   fixOnSave = false,
    --   symbols = true,
    --   codeLens = false,
    --   wellKnownSections = { 'doing', 'wait', 'plan', 'done', 'todo', 'backlog', 'blocked', 'review', 'cancelled', 'archive' },
    -- settings:end
    planls = vim.empty_dict(),
  },
}
