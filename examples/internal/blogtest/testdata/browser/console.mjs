// console.mjs drives the example blog's policy console (/console/) in a
// real Chromium: an admin logs in, grants a permission with the form
// found by its labels, sees it listed, asks "why?" and reads the deciding
// rule and the chain of roles, runs a decision table and opens the role
// graph; a plain user gets 403; a POST without the CSRF field is refused
// and changes nothing.
//
//   node console.mjs http://localhost:PORT [SCREENSHOT.png]
//
// With a second argument it saves a screenshot of the console there. It
// exits 0 when every step held, 1 otherwise, naming the step.
import { run } from './run.mjs';

await run('console.mjs', async (t) => {
  const [screenshot] = t.args;
  const admin = await t.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = t.watch(await admin.newPage());

  t.step = 'the console sends an anonymous visitor to the login page';
  await page.goto(`${t.base}/console/`);
  t.expect(new URL(page.url()).pathname === '/passkeys', `landed on ${page.url()}`);

  t.step = 'the admin logs in and comes back to the console';
  await page.getByLabel('Email').fill('alice@example.com');
  await page.getByLabel('Password').fill('alice-password');
  await page.getByRole('button', { name: 'Log in with password' }).click();
  await page.getByRole('heading', { name: 'Roles and grants', level: 1 }).waitFor();
  t.expect(new URL(page.url()).pathname === '/console/', `came back to ${page.url()}`);
  const response = await page.reload();
  const csp = response.headers()['content-security-policy'] || '';
  t.expect(csp.includes("default-src 'none'") && csp.includes("frame-ancestors 'none'"), `CSP: ${csp}`);

  t.step = 'grant a permission with the form found by its labels';
  await page.getByLabel('Role or subject').fill('moderator');
  await page.getByLabel('Permission (resource:action)').fill('reports:read');
  await page.getByLabel('Scope').selectOption('any');
  await page.getByLabel('Effect').selectOption('allow');
  await page.getByRole('button', { name: 'Add grant' }).click();
  await page.getByRole('status').filter({ hasText: 'The grant was added.' }).waitFor();
  await page.getByRole('cell', { name: 'p, moderator, reports:read, any, allow', exact: true }).waitFor();

  t.step = 'a refused edit shows the engine\'s reason';
  await page.getByLabel('Role or subject').fill('moderator');
  await page.getByLabel('Permission (resource:action)').fill('reports:read');
  await page.getByRole('button', { name: 'Add grant' }).click();
  await page.getByRole('alert').filter({ hasText: 'Not changed' }).waitFor();

  t.step = 'ask why carol may read reports';
  const users = await (await page.request.get(`${t.base}/admin/users`)).json();
  const carol = (users.users || users).find((u) => u.email === 'carol@example.com');
  t.expect(carol, `no carol in ${JSON.stringify(users).slice(0, 200)}`);
  await page.getByRole('link', { name: 'Why?' }).click();
  await page.getByLabel('Subject').fill(carol.id);
  await page.getByLabel('Permission (resource:action)').fill('reports:read');
  await page.getByRole('button', { name: 'Ask why' }).click();
  await page.getByRole('heading', { name: 'Allowed' }).waitFor();
  const decision = await page.locator('.decision').innerText();
  t.expect(decision.includes('p, moderator, reports:read, any, allow'), `deciding rule not shown:\n${decision}`);
  t.expect(decision.includes(carol.id) && decision.includes('moderator'), `chain of roles not shown:\n${decision}`);

  t.step = 'search the subjects';
  await page.getByRole('link', { name: 'Subjects' }).click();
  await page.getByLabel('Search subjects').fill(carol.id.slice(0, 12));
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('rowheader', { name: carol.id }).waitFor();

  t.step = 'run a decision table';
  await page.getByRole('link', { name: 'Decision tables' }).click();
  await page.getByLabel('Decision table (YAML)').fill([
    'name: moderators', 'roles:', '  mia: [moderator]', 'cases:',
    '  - subject: mia', '    permission: reports:read', '    want: allow',
    '  - subject: mia', '    permission: users:delete', '    want: allow', '',
  ].join('\n'));
  await page.getByRole('button', { name: 'Run the table' }).click();
  await page.getByRole('heading', { name: 'moderators: 1 passed, 1 failed' }).waitFor();

  t.step = 'open the role graph';
  await page.getByRole('link', { name: 'Role graph' }).click();
  await page.locator('figure.graph svg').waitFor();
  t.expect(await page.locator('figure.graph svg').getByText('moderator', { exact: true }).count() > 0, 'moderator is not drawn');

  t.step = 'the grant is still there after all that';
  await page.getByRole('link', { name: 'Roles and grants' }).click();
  await page.getByRole('cell', { name: 'p, moderator, reports:read, any, allow', exact: true }).waitFor();
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: false });

  t.step = 'a POST without the CSRF field is refused';
  const forged = await page.request.post(`${t.base}/console/grants`, {
    form: { subject: 'user', permission: 'policy:write', scope: 'any', effect: 'allow' },
    maxRedirects: 0,
  });
  t.expect(forged.status() === 403, `POST without CSRF: ${forged.status()}`);
  await page.reload();
  t.expect(await page.getByRole('cell', { name: 'p, user, policy:write, any, allow', exact: true }).count() === 0, 'the forged grant was added');

  t.step = 'a plain user gets 403';
  const plain = await t.browser.newContext();
  const bobPage = t.watch(await plain.newPage());
  const login = await bobPage.request.post(`${t.base}/auth/session`, { data: { email: 'bob@example.com', password: 'bob-password' } });
  t.expect(login.status() === 200, `bob's login: ${login.status()}`);
  const denied = await bobPage.goto(`${t.base}/console/`);
  t.expect(denied.status() === 403, `bob got ${denied.status()}`);
  await bobPage.getByText('You may not use the policy console').waitFor();

  return 'granted, listed, explained, tabled and drawn; a plain user and a forged POST refused';
});
