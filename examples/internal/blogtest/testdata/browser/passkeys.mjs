// passkeys.mjs drives the example blog's passkey page (/passkeys) in a
// real Chromium with a virtual authenticator (DevTools WebAuthn domain):
// a person registers, logs in with a password, registers a passkey, logs
// out, logs in with the passkey alone, then with the password and the
// passkey as second factor, and removes the passkey.
//
//   node passkeys.mjs http://localhost:PORT
//
// It exits 0 when every step held, 1 otherwise, naming the step.
import { chromium } from 'playwright-core';

const base = process.argv[2];
if (!base) {
  console.error('usage: node passkeys.mjs http://localhost:PORT');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

let step = 'launch Chromium';
const problems = []; // console errors, page errors, CSP violations
const browser = await chromium.launch({
  executablePath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  // A refused request shows in the console as "Failed to load resource"
  // (the session probe's 401, the refused login's 401, /favicon.ico's
  // 404): the steps check what the page shows of them. Anything else at
  // error level, a CSP violation ("Refused to …") above all, is a problem.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  const expect = (cond, what) => { if (!cond) throw new Error(what); };
  const statusIs = async (text) => {
    await page.getByRole('status').filter({ hasText: text }).waitFor();
  };

  step = 'add a virtual authenticator';
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2', transport: 'internal', hasResidentKey: true,
      hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true,
    },
  });

  step = 'register an account';
  const email = `passkey-${Date.now()}@example.com`;
  const password = 'a long browser password';
  const registered = await page.request.post(`${base}/auth/register`, { data: { email, password, name: 'Robin' } });
  expect(registered.status() === 201, `POST /auth/register: ${registered.status()} ${await registered.text()}`);

  step = 'open the page';
  const response = await page.goto(`${base}/passkeys`);
  expect(response.status() === 200, `GET /passkeys: ${response.status()}`);
  const csp = response.headers()['content-security-policy'] || '';
  expect(csp.includes("script-src 'self'") && csp.includes("frame-ancestors 'none'"), `CSP: ${csp}`);
  await page.getByRole('heading', { name: 'Log in' }).waitFor();

  step = 'log in with the password';
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in with password' }).click();
  await page.getByRole('heading', { name: 'Signed in as Robin' }).waitFor();

  step = 'register a passkey';
  await page.getByLabel('Name for the new passkey').fill('Virtual key');
  await page.getByRole('button', { name: 'Register a passkey' }).click();
  await statusIs('Passkey Virtual key registered.');
  const codes = await page.locator('#recovery-codes li').count();
  expect(codes === 10, `${codes} recovery codes shown, want 10`);
  await page.getByRole('list', { name: 'Your passkeys' }).getByText('Virtual key').waitFor();
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  expect(credentials.length === 1 && credentials[0].isResidentCredential, 'the authenticator holds one discoverable credential');
  expect(credentials[0].rpId === new URL(base).hostname, `credential for ${credentials[0].rpId}`);

  step = 'log out';
  await page.getByRole('button', { name: 'Log out' }).click();
  await statusIs('Logged out.');

  step = 'log in with the passkey alone';
  await page.getByRole('button', { name: 'Log in with a passkey' }).click();
  await statusIs('Logged in with your passkey.');
  await page.getByRole('heading', { name: 'Signed in as Robin' }).waitFor();
  const after = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  expect(after.credentials[0].signCount >= 1, 'the authenticator signed');

  step = 'the session survives a reload';
  await page.reload();
  await page.getByRole('heading', { name: 'Signed in as Robin' }).waitFor();

  step = 'log in with the password, then the passkey as second factor';
  await page.getByRole('button', { name: 'Log out' }).click();
  await statusIs('Logged out.');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in with password' }).click();
  await statusIs('Now prove your second factor.');
  await page.getByRole('button', { name: 'Use my passkey' }).click();
  await statusIs('Logged in with your password and passkey.');

  step = 'remove the passkey';
  await page.getByRole('button', { name: 'Remove passkey Virtual key' }).click();
  await statusIs('Passkey Virtual key removed.');
  await page.getByRole('list', { name: 'Your passkeys' }).getByText('None yet.').waitFor();

  step = 'a removed passkey logs nobody in';
  await page.getByRole('button', { name: 'Log out' }).click();
  await statusIs('Logged out.');
  await page.getByRole('button', { name: 'Log in with a passkey' }).click();
  await statusIs('the passkey was not accepted');

  step = 'no script error, no CSP violation';
  expect(problems.length === 0, problems.join('\n'));
  console.log('ok: registered a passkey, logged in with it alone and as a second factor, removed it');
} catch (err) {
  console.error(`FAIL at "${step}": ${err.message}`);
  if (problems.length) console.error(problems.join('\n'));
  process.exitCode = 1;
} finally {
  await browser.close();
}
