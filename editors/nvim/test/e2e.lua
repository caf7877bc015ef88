-- End-to-end test of planls in a real Neovim, run headless by editors/test:
--
--   PLANLS_BIN=/tmp/planls PLANLS_ROOT=. PLANLS_TMP=/tmp/x \
--     nvim --headless -u NONE -i NONE -n -c 'luafile editors/nvim/test/e2e.lua'
--
-- It copies the bundled example plan (testdata/examples/wenfh2020-plan.md) into
-- PLANLS_TMP, adds known problems to the copy (a duplicate CJK task, a dead
-- anchor after CJK text, a done task in an open section), starts planls with the
-- cmd and settings of editors/nvim/lsp/planls.lua (through vim.lsp.config and
-- vim.lsp.enable on Neovim ≥ 0.11; through vim.lsp.start_client and
-- buf_attach_client on older ones such as Debian's 0.7), and checks:
--   1. the diagnostics and their byte columns on the CJK lines;
--   2. the "Mark done" code action moves a task into the done section;
--   3. the planls.moveTask command (the README's key mapping) moves a task;
--   4. saving with the fix-all recipe (vim.lsp.buf.format, or
--      vim.lsp.buf.formatting_sync before 0.8) writes exactly
--      editors/nvim/test/expected.md, and a second format changes nothing.
-- Every wait has a timeout. It prints one line per check and ends with
-- "N passed, M failed"; Neovim exits with status 1 when a check failed.

local TIMEOUT = tonumber(os.getenv('PLANLS_TIMEOUT_MS') or '') or 15000
local root = os.getenv('PLANLS_ROOT') or vim.fn.getcwd()
local bin = os.getenv('PLANLS_BIN')
local tmp = os.getenv('PLANLS_TMP') or vim.fn.tempname()

local passed, failed = 0, 0
local out = io.stdout

local function say(fmt, ...)
  out:write(string.format(fmt, ...) .. '\n')
  out:flush()
end

-- check records one assertion; it returns cond so callers can stop early.
local function check(cond, name, detail)
  if cond then
    passed = passed + 1
    say('ok   %s', name)
  else
    failed = failed + 1
    say('FAIL %s%s', name, detail and (': ' .. detail) or '')
  end
  return cond
end

-- Fatal is raised to stop the remaining checks after a failure they depend on.
local Fatal = {}
local function require_that(cond, name, detail)
  if not check(cond, name, detail) then
    error(Fatal)
  end
end

local function read_file(path)
  local f = io.open(path, 'rb')
  if not f then
    return nil
  end
  local s = f:read('*a')
  f:close()
  return s
end

local function write_file(path, text)
  local f = assert(io.open(path, 'wb'))
  f:write(text)
  f:close()
end

-- lines_of splits text into lines (without the final empty one).
local function lines_of(text)
  local lines = vim.split(text, '\n', { plain = true })
  if lines[#lines] == '' then
    table.remove(lines)
  end
  return lines
end

-- find_line returns the 1-based number of the first line equal to text at or
-- after line start (default 1), or nil.
local function find_line(lines, text, start)
  for i = start or 1, #lines do
    if lines[i] == text then
      return i
    end
  end
  return nil
end

-- diagnostic_code returns a diagnostic's LSP code (d.code since 0.8, user_data before).
local function diagnostic_code(d)
  if d.code then
    return d.code
  end
  local lsp = d.user_data and d.user_data.lsp
  return lsp and lsp.code
end

-- The problems added to the copy of the example. Locations are found by text,
-- never by hand-counted columns.
local DUP = '* [ ] 修改 co_kimserver，添加智能指针。'
local DEAD = '* [ ] 整理 epoll 笔记，见[笔记](#nowhere)。'
local CLOSED = '* [x] 画出 TCP 状态机。'
local MARK = '* [ ] 出一个惊群处理的视频（3 天）。'
local MOVE = '* [ ] 完善写数据文章。'

local messages = {}

local function run()
  require_that(bin ~= nil and vim.fn.executable(bin) == 1, 'PLANLS_BIN is an executable', tostring(bin))
  local version = vim.fn.execute('version'):match('NVIM v[^\n]*') or '?'
  say('# %s, server %s', version, bin)
  vim.fn.mkdir(tmp, 'p')

  -- The copy with the known problems.
  local example = read_file(root .. '/testdata/examples/wenfh2020-plan.md')
  require_that(example ~= nil, 'the bundled example exists')
  local lines = lines_of(example)
  local wait_first = find_line(lines, '* [ ] 第几次握手时才会发送 RST。')
  local plan_second = find_line(lines, '* [ ] 四次挥手。')
  require_that(wait_first ~= nil and plan_second ~= nil, 'the example has the expected anchor lines')
  table.insert(lines, plan_second + 1, CLOSED)
  table.insert(lines, wait_first + 1, DEAD)
  table.insert(lines, wait_first + 1, DUP)
  local file = tmp .. '/plan.md'
  write_file(file, table.concat(lines, '\n') .. '\n')
  write_file(tmp .. '/.planls.json', '{}\n')

  -- Start the client with the configuration file's cmd and settings.
  local config = dofile(root .. '/editors/nvim/lsp/planls.lua')
  require_that(type(config) == 'table' and config.cmd and config.cmd[1] == 'planls', 'lsp/planls.lua returns a config with cmd planls')
  local handlers = {
    ['window/showMessage'] = function(_, result)
      table.insert(messages, result and result.message or '?')
    end,
  }
  vim.cmd('filetype on')
  local client_id
  if vim.lsp.config and vim.lsp.enable then
    -- Neovim ≥ 0.11: the configuration file as users load it.
    vim.opt.runtimepath:prepend(root .. '/editors/nvim')
    vim.lsp.config('planls', { cmd = { bin }, handlers = handlers })
    vim.lsp.enable('planls')
    vim.cmd('edit ' .. vim.fn.fnameescape(file))
    vim.wait(TIMEOUT, function()
      return #vim.lsp.get_clients({ bufnr = 0, name = 'planls' }) > 0
    end, 20)
    local clients = vim.lsp.get_clients({ bufnr = 0, name = 'planls' })
    client_id = clients[1] and clients[1].id
  else
    -- Older Neovim: the same cmd (with the built binary) and settings.
    local cmd = vim.deepcopy(config.cmd)
    cmd[1] = bin
    vim.cmd('edit ' .. vim.fn.fnameescape(file))
    vim.bo.filetype = 'markdown'
    client_id = vim.lsp.start_client({
      name = 'planls',
      cmd = cmd,
      root_dir = tmp,
      settings = config.settings,
      handlers = handlers,
    })
    if client_id then
      vim.lsp.buf_attach_client(0, client_id)
    end
  end
  require_that(client_id ~= nil, 'the client starts')
  local buf = vim.api.nvim_get_current_buf()
  local client = vim.lsp.get_client_by_id(client_id)
  vim.wait(TIMEOUT, function()
    return client.initialized or (client.is_stopped and client.is_stopped())
  end, 20)
  require_that(client.initialized and not client.is_stopped(), 'the server initializes')
  say('#   offset encoding %s', tostring(client.offset_encoding))

  -- 1. Diagnostics and their byte columns.
  local function diagnostics_by_code()
    local by = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      local code = diagnostic_code(d)
      by[code] = by[code] or {}
      table.insert(by[code], d)
    end
    return by
  end
  vim.wait(TIMEOUT, function()
    local by = diagnostics_by_code()
    return by['duplicate-task'] and by['missing-anchor'] and by['done-outside-done']
  end, 50)
  local by = diagnostics_by_code()
  local buf_lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  -- The duplicate is the second line with its text (the first is in "doing").
  local dup_row = find_line(buf_lines, DUP, find_line(buf_lines, DUP) + 1) - 1
  local dead_row = find_line(buf_lines, DEAD) - 1
  local closed_row = find_line(buf_lines, CLOSED) - 1
  local function one(code)
    local list = by[code] or {}
    return #list == 1 and list[1] or nil, #list
  end

  local d, n = one('duplicate-task')
  if check(d ~= nil, 'one duplicate-task diagnostic', ('got %d'):format(n)) then
    -- The later copy is reported, from the task text to the end of the line.
    local text_col = #'* [ ] '
    check(
      d.lnum == dup_row and d.col == text_col and d.end_lnum == dup_row and d.end_col == #DUP,
      'duplicate-task spans the task text on the CJK line (byte columns)',
      ('got %d:%d-%d:%d, want %d:%d-%d:%d'):format(d.lnum, d.col, d.end_lnum, d.end_col, dup_row, text_col, dup_row, #DUP)
    )
  end
  d, n = one('missing-anchor')
  if check(d ~= nil, 'one missing-anchor diagnostic', ('got %d'):format(n)) then
    -- The destination #nowhere, after CJK text: its byte column differs from
    -- its UTF-16 column, so a wrong conversion shows here.
    local s = DEAD:find('#nowhere', 1, true) - 1
    local e = s + #'#nowhere'
    check(
      d.lnum == dead_row and d.col == s and d.end_lnum == dead_row and d.end_col == e,
      'missing-anchor spans #nowhere after CJK text (byte columns)',
      ('got %d:%d-%d:%d, want %d:%d-%d:%d'):format(d.lnum, d.col, d.end_lnum, d.end_col, dead_row, s, dead_row, e)
    )
  end
  d, n = one('done-outside-done')
  check(d ~= nil and d.lnum == closed_row, 'done-outside-done on the closed task in "plan"', ('got %d'):format(n))
  local total = #vim.diagnostic.get(buf)
  check(total == 3, 'no other diagnostics', ('got %d'):format(total))

  -- 2. The "Mark done" code action.
  local mark_row = find_line(buf_lines, MARK)
  require_that(mark_row ~= nil, 'the task to mark done is in the buffer')
  vim.api.nvim_win_set_cursor(0, { mark_row, 8 })
  local params = vim.lsp.util.make_range_params(0, client.offset_encoding)
  params.context = { diagnostics = {} }
  local resp, err = client.request_sync('textDocument/codeAction', params, TIMEOUT, buf)
  require_that(resp ~= nil and resp.err == nil, 'textDocument/codeAction answers', vim.inspect(err or (resp and resp.err)))
  local action
  local titles = {}
  for _, a in ipairs(resp.result or {}) do
    table.insert(titles, a.title)
    if a.title == 'Mark done' then
      action = a
    end
  end
  require_that(action ~= nil, 'the server offers "Mark done" on a task', table.concat(titles, ' | '))
  if not action.edit and not action.command then
    local r = client.request_sync('codeAction/resolve', action, TIMEOUT, buf)
    action = r and r.result or action
  end
  local tick = vim.api.nvim_buf_get_changedtick(buf)
  if action.edit then
    vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  end
  if action.command then
    local command = type(action.command) == 'table' and action.command or action
    client.request_sync('workspace/executeCommand', command, TIMEOUT, buf)
  end
  vim.wait(TIMEOUT, function()
    return vim.api.nvim_buf_get_changedtick(buf) ~= tick
  end, 20)
  buf_lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local done_heading = find_line(buf_lines, '## 4. done')
  local done_mark = MARK:gsub('^%* %[ %]', '* [x]')
  check(find_line(buf_lines, MARK) == nil, 'Mark done removed the open task')
  check(
    done_heading ~= nil and buf_lines[done_heading + 2] == done_mark,
    'Mark done put the checked task at the top of "4. done"',
    done_heading and buf_lines[done_heading + 2]
  )
  check(#buf_lines == #lines, 'Mark done kept the line count', ('%d → %d'):format(#lines, #buf_lines))

  -- 3. The planls.moveTask command, as the README's key mapping runs it.
  local move_row = find_line(buf_lines, MOVE)
  require_that(move_row ~= nil, 'the task to move is in the buffer')
  vim.api.nvim_win_set_cursor(0, { move_row, 0 })
  local range = vim.lsp.util.make_range_params(0, client.offset_encoding)
  tick = vim.api.nvim_buf_get_changedtick(buf)
  resp, err = client.request_sync('workspace/executeCommand', {
    command = 'planls.moveTask',
    arguments = { { uri = range.textDocument.uri, range = range.range, section = 'wait' } },
  }, TIMEOUT, buf)
  check(resp ~= nil and resp.err == nil, 'planls.moveTask answers without error', vim.inspect(err or (resp and resp.err)))
  vim.wait(TIMEOUT, function()
    return vim.api.nvim_buf_get_changedtick(buf) ~= tick
  end, 20)
  buf_lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local wait_heading = find_line(buf_lines, '## 2. wait')
  check(
    wait_heading ~= nil and buf_lines[wait_heading + 2] == MOVE,
    'planls.moveTask put the task at the top of "2. wait"',
    wait_heading and buf_lines[wait_heading + 2]
  )

  -- 4. Save with the fix-all recipe: a BufWritePre autocommand that formats
  -- synchronously (README), then :write.
  local function format()
    if vim.lsp.buf.format then
      vim.lsp.buf.format({ bufnr = buf, name = 'planls', timeout_ms = TIMEOUT })
    else
      vim.lsp.buf.formatting_sync(nil, TIMEOUT)
    end
  end
  vim.api.nvim_create_autocmd('BufWritePre', { buffer = buf, callback = format })
  vim.cmd('silent write')
  local want = read_file(root .. '/editors/nvim/test/expected.md')
  local got = read_file(file)
  if not check(got == want, 'the saved file equals editors/nvim/test/expected.md byte for byte') then
    write_file(tmp .. '/got.md', got or '')
    say('%s', vim.fn.system({ 'diff', '-u', root .. '/editors/nvim/test/expected.md', tmp .. '/got.md' }))
  end
  tick = vim.api.nvim_buf_get_changedtick(buf)
  format()
  check(vim.api.nvim_buf_get_changedtick(buf) == tick, 'a second fix-all changes nothing')

  -- The diagnostics follow the edits: the closed task left "plan".
  vim.wait(TIMEOUT, function()
    return (diagnostics_by_code()['done-outside-done'] or {})[1] == nil
  end, 50)
  check(diagnostics_by_code()['done-outside-done'] == nil, 'done-outside-done is gone after the fix-all')
  check(#messages == 0, 'the server showed no message (settings accepted)', table.concat(messages, ' | '))

  client.stop()
  vim.wait(TIMEOUT, function()
    return client.is_stopped()
  end, 20)
  check(client.is_stopped(), 'the server stops')
end

local ok, e = xpcall(run, function(err)
  if err == Fatal then
    return err
  end
  return debug.traceback(tostring(err))
end)
if not ok and e ~= Fatal then
  failed = failed + 1
  say('FAIL the test raised an error: %s', tostring(e))
end
say('%d passed, %d failed', passed, failed)
if failed > 0 then
  vim.cmd('cquit 1')
else
  vim.cmd('qall!')
end
