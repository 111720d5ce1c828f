package redisstore

import "github.com/redis/go-redis/v9"

// The scripts that make each operation atomic and one round trip. Times
// are Unix milliseconds, which Lua's numbers hold exactly. ARGV[1] is
// always the key prefix, from which a script names the keys it finds
// through others. A session's fields are id, subject, created, seen,
// expires and methods, in this order wherever a script writes or returns
// them; a session written before methods were recorded has no methods
// field, and a script returns "" for it.

// touchScript finds, checks and slides one session.
// KEYS[1]: token key. ARGV: prefix, now, idle cutoff (now minus the idle
// timeout), touch cutoff (now minus the touch interval), seen-at ("" to
// record nothing), idle timeout.
// Returns the session's id, subject, created, seen, expires, methods, or
// nil.
var touchScript = redis.NewScript(`
local r = redis.call('HMGET', KEYS[1], 'id', 'subject', 'created', 'seen', 'expires', 'methods')
if not r[1] then return false end
r[6] = r[6] or ''
local now = tonumber(ARGV[2])
local seen = tonumber(r[4])
local expires = tonumber(r[5])
if expires <= now or seen <= tonumber(ARGV[3]) then return false end
if ARGV[5] ~= '' then
  local at = tonumber(ARGV[5])
  if seen <= tonumber(ARGV[4]) and seen < at then
    redis.call('HSET', KEYS[1], 'seen', ARGV[5])
    r[4] = ARGV[5]
    local ttl = math.min(expires, at + tonumber(ARGV[6])) - now
    redis.call('PEXPIRE', KEYS[1], math.max(ttl, 1))
  end
end
return r
`)

// createScript stores a session, replacing the previous one.
// KEYS[1]: token key, KEYS[2]: id key, KEYS[3]: subject key, KEYS[4]
// (optional): the previous session's token key. ARGV: prefix, id, token
// hash, subject, created, seen, expires, methods, the token key's time to
// live, the id key's time to live.
// Returns 1, or 0 when the id or the token hash is taken.
var createScript = redis.NewScript(`
local p = ARGV[1]
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local held = redis.call('GET', KEYS[2])
if held and redis.call('EXISTS', p .. 'token:' .. held) == 1 then return 0 end
if KEYS[4] then
  local prev = redis.call('HMGET', KEYS[4], 'id', 'subject')
  if prev[1] then
    redis.call('DEL', KEYS[4])
    local idKey = p .. 'id:' .. prev[1]
    if p .. 'token:' .. (redis.call('GET', idKey) or '') == KEYS[4] then redis.call('DEL', idKey) end
    redis.call('SREM', p .. 'subject:' .. prev[2], prev[1])
  end
end
redis.call('HSET', KEYS[1], 'id', ARGV[2], 'subject', ARGV[4], 'created', ARGV[5], 'seen', ARGV[6], 'expires', ARGV[7],
  'methods', ARGV[8])
redis.call('PEXPIRE', KEYS[1], ARGV[9])
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[10])
for _, id in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  local idKey = p .. 'id:' .. id
  local h = redis.call('GET', idKey)
  if not h or redis.call('EXISTS', p .. 'token:' .. h) == 0 then
    redis.call('SREM', KEYS[3], id)
    if h then redis.call('DEL', idKey) end
  end
end
redis.call('SADD', KEYS[3], ARGV[2])
if redis.call('PTTL', KEYS[3]) < tonumber(ARGV[10]) then redis.call('PEXPIRE', KEYS[3], ARGV[10]) end
return 1
`)

// destroyScript deletes the session of a token hash.
// KEYS[1]: token key. ARGV: prefix.
var destroyScript = redis.NewScript(`
local p = ARGV[1]
local r = redis.call('HMGET', KEYS[1], 'id', 'subject')
if not r[1] then return 0 end
redis.call('DEL', KEYS[1])
local idKey = p .. 'id:' .. r[1]
if p .. 'token:' .. (redis.call('GET', idKey) or '') == KEYS[1] then redis.call('DEL', idKey) end
redis.call('SREM', p .. 'subject:' .. r[2], r[1])
return 1
`)

// destroyByIDScript deletes a session by id if it is the subject's.
// KEYS[1]: id key, KEYS[2]: subject key. ARGV: prefix, id, subject.
// Returns 1 if it deleted the session, else 0.
var destroyByIDScript = redis.NewScript(`
local p = ARGV[1]
local h = redis.call('GET', KEYS[1])
if not h then
  redis.call('SREM', KEYS[2], ARGV[2])
  return 0
end
local tokenKey = p .. 'token:' .. h
local owner = redis.call('HGET', tokenKey, 'subject')
if not owner then
  redis.call('DEL', KEYS[1])
  redis.call('SREM', KEYS[2], ARGV[2])
  return 0
end
if owner ~= ARGV[3] then return 0 end
redis.call('DEL', tokenKey, KEYS[1])
redis.call('SREM', KEYS[2], ARGV[2])
return 1
`)

// destroySubjectScript deletes every session of a subject.
// KEYS[1]: subject key. ARGV: prefix, subject.
var destroySubjectScript = redis.NewScript(`
local p = ARGV[1]
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local idKey = p .. 'id:' .. id
  local h = redis.call('GET', idKey)
  if h then
    local tokenKey = p .. 'token:' .. h
    local owner = redis.call('HGET', tokenKey, 'subject')
    if owner == ARGV[2] then redis.call('DEL', tokenKey) end
    if owner == ARGV[2] or not owner then redis.call('DEL', idKey) end
  end
end
redis.call('DEL', KEYS[1])
return 1
`)

// listScript returns a subject's live sessions and prunes the ids of those
// that are gone from its set.
// KEYS[1]: subject key. ARGV: prefix, now, idle cutoff.
// Returns a list of {id, subject, created, seen, expires, methods, token
// hash}.
var listScript = redis.NewScript(`
local p = ARGV[1]
local now = tonumber(ARGV[2])
local cutoff = tonumber(ARGV[3])
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local idKey = p .. 'id:' .. id
  local h = redis.call('GET', idKey)
  local r = false
  if h then r = redis.call('HMGET', p .. 'token:' .. h, 'id', 'subject', 'created', 'seen', 'expires', 'methods') end
  if not h or not r[1] then
    redis.call('SREM', KEYS[1], id)
    if h then redis.call('DEL', idKey) end
  elseif tonumber(r[5]) > now and tonumber(r[4]) > cutoff then
    r[6] = r[6] or ''
    r[7] = h
    out[#out + 1] = r
  end
end
return out
`)

// cleanupScript deletes, of the sessions whose token keys it is given,
// those that are not live.
// KEYS: token keys. ARGV: prefix, now, idle cutoff.
// Returns how many it deleted.
var cleanupScript = redis.NewScript(`
local p = ARGV[1]
local now = tonumber(ARGV[2])
local cutoff = tonumber(ARGV[3])
local n = 0
for _, key in ipairs(KEYS) do
  local r = redis.call('HMGET', key, 'id', 'subject', 'seen', 'expires')
  if r[1] and (tonumber(r[4]) <= now or tonumber(r[3]) <= cutoff) then
    redis.call('DEL', key)
    local idKey = p .. 'id:' .. r[1]
    if p .. 'token:' .. (redis.call('GET', idKey) or '') == key then redis.call('DEL', idKey) end
    redis.call('SREM', p .. 'subject:' .. r[2], r[1])
    n = n + 1
  end
end
return n
`)

// pruneScript removes from the subject sets it is given the ids of
// sessions that are gone.
// KEYS: subject keys. ARGV: prefix.
var pruneScript = redis.NewScript(`
local p = ARGV[1]
for _, key in ipairs(KEYS) do
  for _, id in ipairs(redis.call('SMEMBERS', key)) do
    local idKey = p .. 'id:' .. id
    local h = redis.call('GET', idKey)
    if not h or redis.call('EXISTS', p .. 'token:' .. h) == 0 then
      redis.call('SREM', key, id)
      if h then redis.call('DEL', idKey) end
    end
  end
end
return 0
`)
