-- tests/lua/check.lua -- a tiny assertion library for caw's Lua tests.
local M = { passed = 0, failed = 0 }

function M.eq(got, want, what)
  if got == want then M.passed = M.passed + 1
  else
    M.failed = M.failed + 1
    io.stderr:write(string.format("FAIL %s: got %s, want %s\n", what, tostring(got), tostring(want)))
  end
end

function M.ok(cond, what) M.eq(not not cond, true, what) end

-- fn must raise an error whose message contains msg (and exit code).
function M.raises(fn, msg, what, code)
  local ok, err = pcall(fn)
  if ok then M.eq("no error", msg, what) return end
  local text = tostring(err)
  M.ok(text:find(msg, 1, true), what .. " (message was: " .. text .. ")")
  if code then M.eq(caw.error_code(err), code, what .. " exit code") end
end

function M.done()
  print(string.format("%d passed, %d failed", M.passed, M.failed))
  if M.failed > 0 then caw.fail(1, "lua tests failed") end
end

return M
