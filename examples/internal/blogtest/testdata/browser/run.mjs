// run.mjs is what the browser tests share: the command line, Chromium
// launched as the tests run it, the console watched for script errors and
// CSP violations, and the step a failure names.
import { chromium } from 'playwright-core';

// run runs body(t) against the server whose origin is the first argument,
// and exits 0 when every step held, 1 otherwise, naming the step. t has
// base (the origin), args (the arguments after it), browser, step (set it
// before each step), expect(cond, what), and watch(page), which records the
// page's script errors and CSP violations: any of them fails the test.
export async function run(script, body) {
  const [base, ...args] = process.argv.slice(2);
  if (!base) {
    console.error(`usage: node ${script} http://localhost:PORT [ARGS]`);
    process.exit(2);
  }
  const problems = [];
  const t = {
    base, args, step: 'launch Chromium',
    expect(cond, what) { if (!cond) throw new Error(what); },
    watch(page) {
      page.setDefaultTimeout(15000);
      // A refused request shows in the console as "Failed to load
      // resource" (a session probe's 401, a refused login's 401 or 403,
      // /favicon.ico's 404): the steps check what the page shows of them.
      // Anything else at error level, a CSP violation ("Refused to …")
      // above all, is a problem.
      page.on('console', (m) => {
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      return page;
    },
  };
  t.browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const done = await body(t);
    t.step = 'no script error, no CSP violation';
    t.expect(problems.length === 0, problems.join('\n'));
    console.log(`ok: ${done}`);
  } catch (err) {
    console.error(`FAIL at "${t.step}": ${err.message}`);
    if (problems.length) console.error(problems.join('\n'));
    process.exitCode = 1;
  } finally {
    await t.browser.close();
  }
}
