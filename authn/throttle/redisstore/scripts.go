package redisstore

import "github.com/redis/go-redis/v9"

// Each key (an account or an address) is two sorted sets, scored by time in
// microseconds since 1970: its failures and its pending attempts, the
// members of both being attempt ids (a failure recorded without an attempt
// has a random one). Two sets let Reset and Succeed delete the failures
// with one DEL, leaving the pending attempts alone. Every script is given
// both sets of each of its keys, failures first, as KEYS in pairs.

// countLua defines count, which counts the newest max entries of the sets
// f and p after since, merging the two newest-first lists, and returns
// count, 1 if any of them is pending else 0, and the oldest one's score (a
// string; "0" when there are none).
const countLua = `
local function count(f, p, since, max)
  local fs = redis.call('ZREVRANGEBYSCORE', f, '+inf', '(' .. since, 'WITHSCORES', 'LIMIT', 0, max)
  local ps = redis.call('ZREVRANGEBYSCORE', p, '+inf', '(' .. since, 'WITHSCORES', 'LIMIT', 0, max)
  local a, b, n, pending, oldest = 2, 2, 0, 0, '0'
  while n < max and (a <= #fs or b <= #ps) do
    local fa, pb = tonumber(fs[a]), tonumber(ps[b])
    n = n + 1
    if pb == nil or (fa ~= nil and fa >= pb) then
      oldest, a = fs[a], a + 2
    else
      oldest, b, pending = ps[b], b + 2, 1
    end
  end
  return n, pending, oldest
end
`

// extendLua defines extend, which makes key live for at least ttl
// milliseconds more: an entry written now counts for the window, and the
// set must last as long as its newest entry counts.
const extendLua = `
local function extend(key, ttl)
  if redis.call('PTTL', key) < tonumber(ttl) then
    redis.call('PEXPIRE', key, ttl)
  end
end
`

// reserveScript implements Store.Reserve. ARGV: since, now, id, ttl in
// milliseconds, then the Max of each key. It drops the entries that have
// left the window, counts, and when every key has room adds id as pending
// at now to each. It returns count, pending and oldest for each key.
var reserveScript = redis.NewScript(countLua + extendLua + `
local since, now, id, ttl = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local out, room = {}, true
for i = 1, #KEYS / 2 do
  local f, p, max = KEYS[2*i-1], KEYS[2*i], tonumber(ARGV[4+i])
  redis.call('ZREMRANGEBYSCORE', f, '-inf', since)
  redis.call('ZREMRANGEBYSCORE', p, '-inf', since)
  local n, pending, oldest = count(f, p, since, max)
  out[3*i-2], out[3*i-1], out[3*i] = n, pending, oldest
  if n >= max then room = false end
end
if room then
  for i = 1, #KEYS / 2 do
    redis.call('ZADD', KEYS[2*i], now, id)
    extend(KEYS[2*i], ttl)
  end
end
return out
`)

// usageScript implements Store.Usage: Reserve's count, writing nothing.
// ARGV: since, then the Max of each key.
var usageScript = redis.NewScript(countLua + `
local since = ARGV[1]
local out = {}
for i = 1, #KEYS / 2 do
  local n, pending, oldest = count(KEYS[2*i-1], KEYS[2*i], since, tonumber(ARGV[1+i]))
  out[3*i-2], out[3*i-1], out[3*i] = n, pending, oldest
end
return out
`)

// failScript implements Store.Fail. ARGV: id, now, ttl in milliseconds.
// Only a pending entry becomes a failure.
var failScript = redis.NewScript(extendLua + `
local id, now, ttl = ARGV[1], ARGV[2], ARGV[3]
for i = 1, #KEYS / 2 do
  if redis.call('ZREM', KEYS[2*i], id) == 1 then
    redis.call('ZADD', KEYS[2*i-1], now, id)
    extend(KEYS[2*i-1], ttl)
  end
end
return 0
`)

// succeedScript implements Store.Succeed and Store.Cancel. KEYS: the
// pending sets of the attempt's keys, then, for Succeed, the failures set
// of the key to reset (ARGV[2] is "1"). ARGV: id, and whether to reset.
var succeedScript = redis.NewScript(`
local id, reset = ARGV[1], ARGV[2] == '1'
local last = #KEYS
if reset then last = last - 1 end
for i = 1, last do
  redis.call('ZREM', KEYS[i], id)
end
if reset then
  redis.call('DEL', KEYS[#KEYS])
end
return 0
`)

// addFailureScript implements Store.AddFailure. KEYS: the failures set of
// each key. ARGV: at, the entry's member, ttl in milliseconds.
var addFailureScript = redis.NewScript(extendLua + `
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], ARGV[1], ARGV[2])
  extend(KEYS[i], ARGV[3])
end
return 0
`)
