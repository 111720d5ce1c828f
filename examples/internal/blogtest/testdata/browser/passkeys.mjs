// passkeys.mjs drives the example blog's passkey page (/passkeys) in a
// real Chromium with a virtual authenticator (DevTools WebAuthn domain):
// a person registers, logs in with a password, registers a passkey, logs
// out, logs in with the passkey alone, then with the password and the
// passkey as second factor, and removes the passkey.
//
//   node passkeys.mjs http://localhost:PORT
//
// It exits 0 when every step held, 1 otherwise, naming the step.
import { run } from './run.mjs';

await run('passkeys.mjs', async (t) => {
  const context = await t.browser.newContext();
  const page = t.watch(await context.newPage());
  const statusIs = async (text) => {
    await page.getByRole('status').filter({ hasText: text }).waitFor();
  };

  t.step = 'add a virtual authenticator';
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2', transport: 'internal', hasResidentKey: true,
      hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true,
    },
  });

  t.step = 'register an account';
  const email = `passkey-${Date.now()}@example.com`;
  const password = 'a long browser password';
  const registered = await page.request.post(`${t.base}/auth/register`, { data: { email, password, name: 'Robin' } });
  t.expect(registered.status() === 201, `POST /auth/register: ${registered.status()} ${await registered.text()}`);

  t.step = 'open the page';
  const response = await page.goto(`${t.base}/passkeys`);
  t.expect(response.status() === 200, `GET /passkeys: ${response.status()}`);
  const csp = response.headers()['content-security-policy'] || '';
  t.expect(csp.includes("script-src 'self'") && csp.includes("frame-ancestors 'none'"), `CSP: ${csp}`);
  await page.getByRole('heading', { name: 'Log in' }).waitFor();

  t.step = 'log in with the password';
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in with password' }).click();
  await page.getByRole('heading', { name: 'Signed in as Robin' }).waitFor();

  t.step = 'register a passkey';
  await page.getByLabel('Name for the new passkey').fill('Virtual key');
  await page.getByRole('button', { name: 'Register a passkey' }).click();
  await statusIs('Passkey Virtual key registered.');
  const codes = await page.locator('#recovery-codes li').count();
  t.expect(codes === 10, `${codes} recovery codes shown, want 10`);
  await page.getByRole('list', { name: 'Your passkeys' }).getByText('Virtual key').waitFor();
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  t.expect(credentials.length === 1 && credentials[0].isResidentCredential, 'the authenticator holds one discoverable credential');
  t.expect(credentials[0].rpId === new URL(t.base).hostname, `credential for ${credentials[0].rpId}`);

  t.step = 'log out';
  await page.getByRole('button', { name: 'Log out' }).click();
  await statusIs('Logged out.');

  t.step = 'log in with the passkey alone';
  await page.getByRole('button', { name: 'Log in with a passkey' }).click();
  await statusIs('Logged in with your passkey.');
  await page.getByRole('heading', { name: 'Signed in as Robin' }).waitFor();
  const after = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  t.expect(after.credentials[0].signCount >= 1, 'the authenticator signed');

  t.step = 'the session survives a reload';
  await page.reload();
  await page.getByRole('heading', { name: 'Signed in as Robin' }).waitFor();

  t.step = 'log in with the password, then the passkey as second factor';
  await page.getByRole('button', { name: 'Log out' }).click();
  await statusIs('Logged out.');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in with password' }).click();
  await statusIs('Now prove your second factor.');
  await page.getByRole('button', { name: 'Use my passkey' }).click();
  await statusIs('Logged in with your password and passkey.');

  t.step = 'remove the passkey';
  await page.getByRole('button', { name: 'Remove passkey Virtual key' }).click();
  await statusIs('Passkey Virtual key removed.');
  await page.getByRole('list', { name: 'Your passkeys' }).getByText('None yet.').waitFor();

  t.step = 'a removed passkey logs nobody in';
  await page.getByRole('button', { name: 'Log out' }).click();
  await statusIs('Logged out.');
  await page.getByRole('button', { name: 'Log in with a passkey' }).click();
  await statusIs('the passkey was not accepted');

  return 'registered a passkey, logged in with it alone and as a second factor, removed it';
});
