// The passkey page of the gatehouse blog: it talks to the account API
// (/auth/session, /auth/passkey, /me/passkeys) with a cookie session, and
// to the browser's authenticators with navigator.credentials.
'use strict';

const $ = (id) => document.getElementById(id);
let csrf = null; // the session's CSRF token, sent on every write
let mfaToken = null; // between a password and its second factor

// base64url <-> ArrayBuffer, the encoding of WebAuthn's JSON.
function toB64u(buf) {
  let s = '';
  for (const b of new Uint8Array(buf)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
function fromB64u(s) {
  s = s.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(s + '='.repeat((4 - (s.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0)).buffer;
}

function say(message, isError) {
  const el = $('status');
  el.textContent = message;
  el.className = isError ? 'error' : '';
}

// api calls the account API and returns its JSON, or throws its message.
async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (csrf && method !== 'GET') headers['X-CSRF-Token'] = csrf;
  const res = await fetch(path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : {};
  if (!res.ok) {
    const err = new Error(data.message || `${method} ${path}: ${res.status}`);
    err.status = res.status;
    throw err;
  }
  return data;
}

// The server's options, as navigator.credentials takes them.
function creationOptions(o) {
  return {
    ...o,
    challenge: fromB64u(o.challenge),
    user: { ...o.user, id: fromB64u(o.user.id) },
    excludeCredentials: (o.excludeCredentials || []).map((c) => ({ ...c, id: fromB64u(c.id) })),
  };
}
function requestOptions(o) {
  return {
    ...o,
    challenge: fromB64u(o.challenge),
    allowCredentials: (o.allowCredentials || []).map((c) => ({ ...c, id: fromB64u(c.id) })),
  };
}

// The browser's credential, as the server reads it.
function credentialJSON(cred) {
  const r = cred.response;
  const out = {
    id: cred.id, rawId: toB64u(cred.rawId), type: cred.type,
    authenticatorAttachment: cred.authenticatorAttachment || undefined,
    clientExtensionResults: cred.getClientExtensionResults(),
    response: { clientDataJSON: toB64u(r.clientDataJSON) },
  };
  if (r.attestationObject) {
    out.response.attestationObject = toB64u(r.attestationObject);
    out.response.transports = r.getTransports ? r.getTransports() : [];
  } else {
    out.response.authenticatorData = toB64u(r.authenticatorData);
    out.response.signature = toB64u(r.signature);
    if (r.userHandle) out.response.userHandle = toB64u(r.userHandle);
  }
  return out;
}

// assert asks an authenticator to answer a ceremony {ceremony_id, publicKey}.
async function assert(ceremony) {
  const cred = await navigator.credentials.get({ publicKey: requestOptions(ceremony.publicKey) });
  return { ceremony_id: ceremony.ceremony_id, credential: credentialJSON(cred) };
}

// returnTo is the page to go back to after a login, when another page
// (the policy console) sent the visitor here: a path on this site only.
function returnTo() {
  const target = new URLSearchParams(location.search).get('return_to');
  return target && target.startsWith('/') && !target.startsWith('//') && !target.includes('\\') ? target : null;
}

// loggedIn shows the account, or goes back to the page that asked for
// the login.
async function loggedIn(session, message) {
  const target = returnTo();
  if (target) {
    location.assign(target);
    return;
  }
  await showSignedIn(session);
  say(message);
}

async function showSignedIn(session) {
  csrf = session.csrf_token;
  mfaToken = null;
  const me = await api('GET', '/me');
  $('who').textContent = me.name || me.email || me.id;
  $('signed-out').hidden = true;
  $('second-step').hidden = true;
  $('signed-in').hidden = false;
  await listPasskeys();
}

function showSignedOut() {
  csrf = null;
  $('signed-in').hidden = true;
  $('signed-out').hidden = false;
  $('recovery').hidden = true;
}

async function listPasskeys() {
  const { passkeys } = await api('GET', '/me/passkeys');
  const list = $('passkeys');
  list.replaceChildren();
  if (passkeys.length === 0) {
    const li = document.createElement('li');
    li.textContent = 'None yet.';
    list.append(li);
  }
  for (const p of passkeys) {
    const li = document.createElement('li');
    const name = p.name || 'Unnamed passkey';
    const used = p.last_used_at ? `last used ${new Date(p.last_used_at).toLocaleString()}` : 'never used';
    li.textContent = `${name} (${p.backup_eligible ? 'synced' : 'this device only'}, ${used})`;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = 'Remove';
    remove.setAttribute('aria-label', `Remove passkey ${name}`);
    remove.addEventListener('click', () => run(async () => {
      await api('DELETE', `/me/passkeys/${encodeURIComponent(p.id)}`);
      await listPasskeys();
      say(`Passkey ${name} removed.`);
    }));
    li.append(remove);
    list.append(li);
  }
}

// run runs a step, reporting its failure on the page.
async function run(step) {
  try {
    await step();
  } catch (err) {
    if (err.name === 'NotAllowedError') say('The passkey request was cancelled or timed out.', true);
    else say(err.message, true);
  }
}

$('passkey-login').addEventListener('click', () => run(async () => {
  say('Waiting for your passkey…');
  const answer = await assert(await api('POST', '/auth/passkey/options'));
  await loggedIn(await api('POST', '/auth/session/passkey', answer), 'Logged in with your passkey.');
}));

$('password-login').addEventListener('submit', (e) => {
  e.preventDefault();
  run(async () => {
    const data = await api('POST', '/auth/session', { email: $('email').value, password: $('password').value });
    $('password').value = '';
    if (!data.mfa_required) {
      await loggedIn(data, 'Logged in.');
      return;
    }
    mfaToken = data.mfa_token;
    $('second-step').hidden = false;
    $('second-step-passkey').hidden = !data.methods.includes('passkey');
    $('second-step-code').hidden = !data.methods.includes('totp');
    say('Now prove your second factor.');
  });
});

$('second-step-passkey').addEventListener('click', () => run(async () => {
  const ceremony = await api('POST', '/auth/mfa/challenge', { mfa_token: mfaToken, method: 'passkey' });
  const answer = await assert(ceremony);
  await loggedIn(await api('POST', '/auth/session/mfa', { mfa_token: mfaToken, passkey: answer }),
    'Logged in with your password and passkey.');
}));

$('second-step').addEventListener('submit', (e) => {
  e.preventDefault();
  run(async () => {
    const session = await api('POST', '/auth/session/mfa', { mfa_token: mfaToken, code: $('code').value });
    $('code').value = '';
    await loggedIn(session, 'Logged in with your password and code.');
  });
});

$('register').addEventListener('submit', (e) => {
  e.preventDefault();
  run(async () => {
    say('Follow your browser to create the passkey…');
    const ceremony = await api('POST', '/me/passkeys/options');
    const cred = await navigator.credentials.create({ publicKey: creationOptions(ceremony.publicKey) });
    const made = await api('POST', '/me/passkeys', {
      ceremony_id: ceremony.ceremony_id, credential: credentialJSON(cred), name: $('passkey-name').value,
    });
    $('passkey-name').value = '';
    if (made.recovery_codes) {
      const list = $('recovery-codes');
      list.replaceChildren(...made.recovery_codes.map((c) => {
        const li = document.createElement('li');
        const code = document.createElement('code');
        code.textContent = c;
        li.append(code);
        return li;
      }));
      $('recovery').hidden = false;
    }
    await listPasskeys();
    say(made.name ? `Passkey ${made.name} registered.` : 'Passkey registered.');
  });
});

$('logout').addEventListener('click', () => run(async () => {
  await api('DELETE', '/auth/session');
  showSignedOut();
  say('Logged out.');
}));

// A session kept in the cookie resumes on load.
run(async () => {
  if (!window.PublicKeyCredential) say('This browser does not support passkeys.', true);
  try {
    await showSignedIn(await api('GET', '/auth/session'));
  } catch (err) {
    if (err.status !== 401) throw err;
    showSignedOut();
  }
});
