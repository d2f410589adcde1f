// Just enough of a Dockerfile reader to run its steps outside a container: no engine runs on CI,
// so test/foundation/container.test.ts replays the file itself instead of a copy of its commands.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Instruction =
  | { op: 'FROM'; image: string; name?: string }
  | { op: 'WORKDIR'; path: string }
  | { op: 'COPY'; from?: string; sources: string[]; dest: string }
  | { op: 'RUN'; command: string }
  | { op: 'ENV'; name: string; value: string }
  | { op: 'USER'; user: string }
  | { op: 'EXPOSE'; port: string }
  | { op: 'HEALTHCHECK'; options: string; command: string[] }
  | { op: 'CMD'; command: string[] };

export interface Stage {
  image: string;
  name?: string;
  steps: Instruction[];
}

/** Exec form only (`["node", …]`): the shell form would put sh in front of node as PID 1. */
function execForm(op: string, text: string): string[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === 'string')) throw new Error(`${op} must use the exec form: ${text}`);
  return parsed;
}

function parseLine(line: string): Instruction {
  const [, op = '', rest = ''] = /^(\S+)\s+(.*)$/s.exec(line) ?? [];
  switch (op.toUpperCase()) {
    case 'FROM': {
      const [image = '', as, name] = rest.split(/\s+/);
      return { op: 'FROM', image, ...(as?.toUpperCase() === 'AS' && name ? { name } : {}) };
    }
    case 'WORKDIR':
      return { op: 'WORKDIR', path: rest };
    case 'COPY': {
      const words = rest.split(/\s+/);
      const from = words[0]?.startsWith('--from=') ? words.shift()!.slice('--from='.length) : undefined;
      if (words.some((w) => w.startsWith('--'))) throw new Error(`COPY flag not understood: ${line}`);
      return { op: 'COPY', ...(from ? { from } : {}), sources: words.slice(0, -1), dest: words.at(-1)! };
    }
    case 'RUN':
      // A cache mount changes where npm keeps its cache, not what the command does.
      return { op: 'RUN', command: rest.replace(/^(--mount=\S+\s+)+/, '') };
    case 'ENV': {
      const [, name = '', value = ''] = /^([A-Za-z_][A-Za-z0-9_]*)=(\S*)$/.exec(rest) ?? [];
      if (!name) throw new Error(`ENV must be one NAME=value: ${line}`);
      return { op: 'ENV', name, value };
    }
    case 'USER':
      return { op: 'USER', user: rest };
    case 'EXPOSE':
      return { op: 'EXPOSE', port: rest };
    case 'HEALTHCHECK': {
      const [, options = '', command = ''] = /^(.*?)\s*CMD\s+(\[.*\])$/s.exec(rest) ?? [];
      return { op: 'HEALTHCHECK', options, command: execForm('HEALTHCHECK', command) };
    }
    case 'CMD':
      return { op: 'CMD', command: execForm('CMD', rest) };
    default:
      throw new Error(`Dockerfile instruction this reader does not know (teach test/support/dockerfile.ts): ${line}`);
  }
}

export function readDockerfile(path: string): Stage[] {
  const lines = readFileSync(path, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const step = parseLine(line);
    if (step.op === 'FROM') stages.push({ image: step.image, ...(step.name ? { name: step.name } : {}), steps: [] });
    else if (!stages.length) throw new Error(`${step.op} before FROM`);
    else stages.at(-1)!.steps.push(step);
  }
  return stages;
}

/** `.dockerignore` patterns, anchored at the context's root as Docker reads them (`*` stays within a directory). */
function ignoreMatcher(root: string): (file: string) => boolean {
  const file = join(root, '.dockerignore');
  const patterns = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'))
    : [];
  if (patterns.some((p) => p.startsWith('!'))) throw new Error('.dockerignore exceptions (!) are not understood here');
  const regexes = patterns.map(
    (p) =>
      new RegExp(
        `^${p
          .replace(/\/$/, '')
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*\*/g, '\u0000')
          .replace(/\*/g, '[^/]*')
          .replace(/\?/g, '[^/]')
          .replace(/\u0000/g, '.*')}(/.*)?$`,
      ),
  );
  return (f) => regexes.some((r) => r.test(f));
}

/** The build context a fresh clone sends: the repository's files (tracked, or new and not ignored), less `.dockerignore`. */
export function buildContext(root: string): string[] {
  const ignored = ignoreMatcher(root);
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f && existsSync(join(root, f)) && !ignored(f));
}
