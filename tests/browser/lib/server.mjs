// Starts the real waymark binary on 127.0.0.1 with a fresh SQLite database
// and the demo data, and creates extra people with the CLI.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const suiteDir = path.resolve(here, '..');

/** Absolute path of the binary under test: $WAYMARK_BIN or ../../build/debug/waymark. */
export function waymarkBin() {
  return path.resolve(suiteDir, process.env.WAYMARK_BIN || '../../build/debug/waymark');
}

const STARTUP_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const CLI_TIMEOUT_MS = 30_000;
const KEEP_LOG_CHARS = 64 * 1024;

function tail(text) {
  return text.length > KEEP_LOG_CHARS ? '…' + text.slice(-KEEP_LOG_CHARS) : text;
}

/**
 * Starts `waymark serve --listen 127.0.0.1:0 --db sqlite:<tmp>/b.db --demo`.
 * Resolves once stdout has printed both the `listening on` URL and the demo
 * admin's `one-time password:` line (at most 30 s).
 * `config`: an object of settings passed with --config.
 * Returns { url, dbUrl, dir, adminEmail, adminPassword, stderr(), stop() }.
 * Call stop() from an after() hook.
 */
export async function startServer({ demo = true, config } = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'waymark-browser-'));
  const dbUrl = `sqlite:${dir}/b.db`;
  const args = ['serve', '--listen', '127.0.0.1:0', '--db', dbUrl];
  if (demo) args.push('--demo');
  if (config) {
    // Settings of docs/configuration.md, written to a file in the server's directory.
    await writeFile(path.join(dir, 'config.json'), JSON.stringify(config));
    args.push('--config', path.join(dir, 'config.json'));
  }
  const child = spawn(waymarkBin(), args, { stdio: ['ignore', 'pipe', 'pipe'] });

  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => { stderr = tail(stderr + chunk); });
  child.stdout.setEncoding('utf8');

  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });

  let url;
  let adminEmail;
  let adminPassword;
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`waymark did not report its address within ${STARTUP_TIMEOUT_MS} ms`)),
        STARTUP_TIMEOUT_MS);
      const done = (err) => { clearTimeout(timer); err ? reject(err) : resolve(); };
      child.once('error', (err) => done(new Error(`cannot run ${waymarkBin()}: ${err.message}`)));
      child.once('exit', (code, signal) =>
        done(new Error(`waymark exited early (code ${code}, signal ${signal})`)));
      child.stdout.on('data', (chunk) => {
        stdout = tail(stdout + chunk);
        url ??= stdout.match(/^listening on (http:\/\/127\.0\.0\.1:\d+)\s*$/m)?.[1];
        adminEmail ??= stdout.match(/^demo admin: (\S+)\s*$/m)?.[1];
        adminPassword ??= stdout.match(/^one-time password: (\S+)/m)?.[1];
        if (url && (!demo || adminPassword)) done();
      });
    });
  } catch (err) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await Promise.race([exited, new Promise((r) => setTimeout(r, STOP_TIMEOUT_MS).unref())]);
    }
    await rm(dir, { recursive: true, force: true });
    err.message += `\n--- waymark ${args.join(' ')}\n--- stdout:\n${stdout}\n--- stderr:\n${stderr}`;
    throw err;
  }
  let stopped;
  return {
    url,
    dbUrl,
    dir,
    adminEmail,
    adminPassword,
    stderr: () => stderr,
    /**
     * SIGTERM, then SIGKILL if still running after 10 s. Rejects unless the
     * server exited 0 on its own (a crash or sanitizer report is a failure).
     */
    stop() {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        let killed = false;
        const timer = setTimeout(() => { killed = true; child.kill('SIGKILL'); }, STOP_TIMEOUT_MS);
        const { code, signal } = await exited;
        clearTimeout(timer);
        await rm(dir, { recursive: true, force: true });
        if (killed || code !== 0) {
          throw new Error(`waymark did not stop cleanly after SIGTERM (code ${code}, signal ${signal}` +
            `${killed ? ', needed SIGKILL' : ''})\n--- stderr:\n${stderr}`);
        }
      })();
      return stopped;
    },
  };
}

/** Runs `waymark ARGS...` with optional stdin; resolves { stdout, stderr } or rejects unless it exits 0. */
export function runCli(args, { input } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(waymarkBin(), args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c) => { stdout += c; });
    child.stderr.setEncoding('utf8').on('data', (c) => { stderr += c; });
    const timer = setTimeout(() => child.kill('SIGKILL'), CLI_TIMEOUT_MS);
    child.once('error', (err) => { clearTimeout(timer); reject(err); });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`waymark ${args.join(' ')} failed (code ${code}, signal ${signal})\n${stderr}${stdout}`));
    });
    child.stdin.end(input ?? '');
  });
}

/**
 * Adds a person with `waymark user add`. With `password` (>= 10 characters)
 * it is passed on stdin (--password-stdin) and the person can sign in straight
 * away; without it the CLI's one-time password is returned and the person must
 * change it at first sign-in. Resolves { email, password, oneTimePassword }.
 */
export async function addUser(server, { email, name, org, role, admin = false, locale, password }) {
  const args = ['user', 'add', '--db', server.dbUrl, '--email', email, '--name', name ?? email];
  if (org) args.push('--org', org, '--role', role ?? 'member');
  if (admin) args.push('--admin');
  if (locale) args.push('--locale', locale);
  if (password !== undefined) args.push('--password-stdin');
  const { stdout } = await runCli(args, { input: password !== undefined ? `${password}\n` : undefined });
  if (password !== undefined) return { email, password };
  const oneTimePassword = stdout.match(/one-time password: (\S+)/)?.[1];
  if (!oneTimePassword) throw new Error(`no one-time password in: ${stdout}`);
  return { email, oneTimePassword };
}
