import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../server/net/free-port';
import { type RunningEmulators, startEmulators } from '../emulators/start';
import { createEmptyDatabase } from '../support/database';
import { buildContext, readDockerfile, type Instruction, type Stage } from '../support/dockerfile';
import { eventually } from '../support/eventually';
import { productionLikeEnv } from '../support/stack';

/**
 * The production image without a container engine (none runs on CI): the Dockerfile's own steps,
 * read from it and run in throw-away directories — a fresh context, `npm ci`, the build, then the
 * runtime-only install the image ships — and its CMD started in production mode on a real Postgres
 * until its HEALTHCHECK passes. A runtime dependency left in devDependencies fails the start.
 * Slow (two installs, from npm's local cache when it has the packages).
 */
const ROOT = resolve(import.meta.dirname, '../..');
const WORKDIR = '/app';
const stages = readDockerfile(join(ROOT, 'Dockerfile'));
const [build, final] = stages as [Stage, Stage];
const steps = <Op extends Instruction['op']>(stage: Stage, op: Op) => stage.steps.filter((s): s is Extract<Instruction, { op: Op }> => s.op === op);

let work: string;
const stageDirs = new Map<Stage, string>();
const ran: string[] = [];

/** Where a path inside a stage's image lives here. */
function inStage(stage: Stage, path: string): string {
  const abs = posix.resolve(WORKDIR, path);
  if (abs !== WORKDIR && !abs.startsWith(`${WORKDIR}/`)) throw new Error(`${path} is outside ${WORKDIR}`);
  return join(stageDirs.get(stage)!, abs.slice(WORKDIR.length));
}

function replay(stage: Stage, context: string[]): void {
  const env: Record<string, string> = {};
  for (const step of stage.steps) {
    if (step.op === 'WORKDIR' && step.path !== WORKDIR) throw new Error(`this replay maps ${WORKDIR} only, not ${step.path}`);
    if (step.op === 'ENV') env[step.name] = step.value;
    if (step.op === 'COPY') {
      const from = step.from ? stages.find((s) => s.name === step.from) : undefined;
      if (step.from && !from) throw new Error(`COPY --from=${step.from}: no such stage`);
      const dest = inStage(stage, step.dest);
      for (const source of step.sources) {
        if (from) cpSync(inStage(from, source), step.dest.endsWith('/') ? join(dest, posix.basename(source)) : dest, { recursive: true });
        else if (source === '.') for (const f of context) cpSync(join(ROOT, f), join(dest, f), { recursive: true });
        else {
          if (!context.includes(source)) throw new Error(`COPY ${source}: not in the build context`);
          mkdirSync(dest, { recursive: true });
          cpSync(join(ROOT, source), join(dest, source));
        }
      }
    }
    if (step.op === 'RUN') {
      ran.push(step.command);
      // npm's local cache stands in for the image's cache mount.
      const run = spawnSync('sh', ['-c', step.command], {
        cwd: stageDirs.get(stage)!,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/tmp',
          npm_config_prefer_offline: 'true',
          npm_config_audit: 'false',
          npm_config_fund: 'false',
          ...env,
        },
        encoding: 'utf8',
        timeout: 600_000,
      });
      if (run.status !== 0) throw new Error(`RUN ${step.command} failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
    }
  }
}

const imageEnv = () => Object.fromEntries(steps(final, 'ENV').map((e) => [e.name, e.value]));

/** The image's CMD with `env` as `docker run -e` would add it, from the final stage's directory. */
function startImage(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const [cmd, ...args] = steps(final, 'CMD').at(-1)!.command;
  const child = spawn(cmd!, args, {
    cwd: inStage(final, '.'),
    env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', ...imageEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  return { child, output: () => output, exited: new Promise((r) => child.on('exit', (code) => r(code))) };
}

let emulators: RunningEmulators;
let database: { url: string; drop(): Promise<void> };
let server: ReturnType<typeof startImage> | undefined;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'container-'));
  stages.forEach((s, i) => stageDirs.set(s, join(work, `stage-${i}`)));
  for (const dir of stageDirs.values()) mkdirSync(dir, { recursive: true });
  const context = buildContext(ROOT);
  for (const stage of stages) replay(stage, context);
  emulators = await startEmulators({ clioPort: 0, xeroPort: 0 });
  database = await createEmptyDatabase();
}, 1_200_000);

afterAll(async () => {
  if (server?.child.exitCode === null) server.child.kill('SIGKILL');
  await emulators?.stop();
  await database?.drop();
  if (work) rmSync(work, { recursive: true, force: true });
}, 300_000);

describe('the container image (Dockerfile replayed without an engine)', () => {
  it('is built on Node 20 LTS in two stages: install and build, then the runtime dependencies and the build only, as a non-root user', () => {
    expect(stages.map((s) => s.image)).toEqual(['node:20-bookworm-slim', 'node:20-bookworm-slim']);
    expect(steps(build, 'RUN').map((r) => r.command)).toEqual(['npm ci', 'npm run build']);
    expect(steps(final, 'RUN').map((r) => r.command)).toEqual(['npm ci --omit=dev']);
    expect(steps(final, 'COPY').filter((c) => c.from)).toEqual([{ op: 'COPY', from: build.name, sources: ['/app/dist'], dest: './dist' }]);
    expect(ran).toEqual(['npm ci', 'npm run build', 'npm ci --omit=dev']);
    // No bundler or test runner in the image (typescript stays: graphile-worker's cosmiconfig takes it as a peer).
    for (const dev of ['tsx', 'esbuild', 'vite', 'vitest', 'prettier']) expect(() => readFileSync(inStage(final, `node_modules/${dev}/package.json`))).toThrow();
    expect(steps(final, 'USER').at(-1)?.user).toBe('node');
    expect(imageEnv()).toMatchObject({ NODE_ENV: 'production' });
    // The image starts what `npm start` starts, without npm in front of node.
    const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    expect(steps(final, 'CMD').at(-1)!.command.join(' ')).toBe(start.replace(/^exec /, ''));
    expect(steps(final, 'HEALTHCHECK').at(-1)!.command.join(' ')).toContain('/readyz');
  });

  it('starts in production mode on Postgres, passes its HEALTHCHECK, serves metrics, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const metricsToken = randomBytes(24).toString('hex');
    const env: Record<string, string> = { ...(await productionLikeEnv({ port, databaseUrl: database.url, emulators })), METRICS_TOKEN: metricsToken };
    server = startImage(env);
    const running = server;
    await eventually(
      async () => {
        if (running.child.exitCode !== null) throw new Error(`the server exited (${running.child.exitCode}):\n${running.output()}`);
        return (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200;
      },
      '/readyz to answer 200',
      60_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${running.output()}`);
    });

    const [cmd, ...args] = steps(final, 'HEALTHCHECK').at(-1)!.command;
    const health = spawnSync(cmd!, args, { cwd: inStage(final, '.'), env: { PATH: process.env.PATH ?? '', ...imageEnv(), ...env }, encoding: 'utf8', timeout: 30_000 });
    expect({ status: health.status, stderr: health.stderr }).toEqual({ status: 0, stderr: '' });

    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('# TYPE sync_records_total counter');

    // Idle: started, nothing to do. A figure for the report (the bench gives it too), never asserted.
    await new Promise((r) => setTimeout(r, 5_000));
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${running.child.pid}/status`, 'utf8'))?.[1];
    console.log(`container replay: idle RSS of the built server in production mode: ${Math.round(Number(rss) / 1024)} MB`);

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(running.output()).not.toContain(env.SECRET_KEY!);
  });

  it('without DATABASE_URL in production refuses to start with one line naming it', async () => {
    const env = await productionLikeEnv({ port: await freePort(), databaseUrl: 'postgres://unused', emulators });
    const { DATABASE_URL: _, ...withoutDatabase } = env;
    const started = startImage(withoutDatabase);
    expect(await started.exited).toBe(1);
    const lines = started.output().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid configuration: production settings are present \(.*\) but DATABASE_URL is missing; set it/);
  });
});
