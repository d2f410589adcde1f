// The `where` query parameter: a small C#-like expression language. Supports what clients use:
// ==, !=, <, <=, >, >=, AND/OR/&&/||, NOT/!, parentheses, string/number/bool/null literals,
// Guid("…"), DateTime(y,m,d), and .Contains/.StartsWith/.EndsWith/.ToLower()/.ToUpper() on fields.
import type { Json, JsonObject } from './store';

type Value = Json | undefined;
export type Predicate = (record: JsonObject) => boolean;

export class WhereSyntaxError extends Error {}

interface Token {
  kind: 'ident' | 'string' | 'number' | 'op' | 'punct';
  text: string;
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(")((?:[^"\\]|\\.)*)"|(\d+(?:\.\d+)?)|(==|!=|<=|>=|&&|\|\||[<>!])|([().,])|([A-Za-z_][A-Za-z0-9_]*))/y;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(src);
    if (!m) throw new WhereSyntaxError(`Unexpected character at ${pos} in where clause`);
    pos = re.lastIndex;
    if (m[1]) tokens.push({ kind: 'string', text: (m[2] ?? '').replace(/\\(.)/g, '$1') });
    else if (m[3]) tokens.push({ kind: 'number', text: m[3] });
    else if (m[4]) tokens.push({ kind: 'op', text: m[4] });
    else if (m[5]) tokens.push({ kind: 'punct', text: m[5] });
    else tokens.push({ kind: 'ident', text: m[6] ?? '' });
  }
  return tokens;
}

const lookup = (record: JsonObject, path: string[]): Value =>
  path.reduce<Value>((acc, key) => {
    if (acc === null || typeof acc !== 'object' || Array.isArray(acc)) return undefined;
    const hit = Object.keys(acc).find((k) => k.toLowerCase() === key.toLowerCase());
    return hit === undefined ? undefined : acc[hit];
  }, record);

/** Dates in records are MS-JSON strings; compare them as epoch ms. */
const comparable = (v: Value): Value => {
  if (typeof v === 'string') {
    const ms = /^\/Date\((-?\d+)/.exec(v);
    if (ms) return Number(ms[1]);
  }
  return v;
};

function compare(op: string, left: Value, right: Value): boolean {
  const l = comparable(left);
  const r = comparable(right);
  const eq = typeof l === 'string' && typeof r === 'string' ? l.toLowerCase() === r.toLowerCase() : (l ?? null) === (r ?? null);
  switch (op) {
    case '==':
      return eq;
    case '!=':
      return !eq;
    default: {
      if (l === undefined || l === null || r === undefined || r === null) return false;
      const [a, b] = [l, r] as [number | string, number | string];
      return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
    }
  }
}

type Operand = (record: JsonObject) => Value;

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Predicate {
    const p = this.or();
    if (this.i < this.tokens.length) throw new WhereSyntaxError(`Unexpected "${this.tokens[this.i]?.text}" in where clause`);
    return p;
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }
  private take(): Token {
    const t = this.tokens[this.i++];
    if (!t) throw new WhereSyntaxError('Unexpected end of where clause');
    return t;
  }
  private expect(text: string): void {
    if (this.take().text !== text) throw new WhereSyntaxError(`Expected "${text}" in where clause`);
  }
  private isWord(...words: string[]): boolean {
    const t = this.peek();
    return !!t && words.some((w) => t.text.toUpperCase() === w);
  }

  private or(): Predicate {
    let left = this.and();
    while (this.isWord('OR', '||')) {
      this.take();
      const [a, b] = [left, this.and()];
      left = (r) => a(r) || b(r);
    }
    return left;
  }

  private and(): Predicate {
    let left = this.unary();
    while (this.isWord('AND', '&&')) {
      this.take();
      const [a, b] = [left, this.unary()];
      left = (r) => a(r) && b(r);
    }
    return left;
  }

  private unary(): Predicate {
    if (this.isWord('NOT', '!')) {
      this.take();
      const inner = this.unary();
      return (r) => !inner(r);
    }
    if (this.peek()?.text === '(') {
      this.take();
      const inner = this.or();
      this.expect(')');
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Predicate {
    const left = this.operand();
    const op = this.peek();
    if (op?.kind === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(op.text)) {
      this.take();
      const right = this.operand();
      return (r) => compare(op.text, left(r), right(r));
    }
    return (r) => left(r) === true;
  }

  private operand(): Operand {
    const t = this.take();
    if (t.kind === 'string') return () => t.text;
    if (t.kind === 'number') return () => Number(t.text);
    if (t.kind !== 'ident') throw new WhereSyntaxError(`Unexpected "${t.text}" in where clause`);
    const word = t.text;
    if (/^(true|false)$/i.test(word)) return () => word.toLowerCase() === 'true';
    if (/^null$/i.test(word)) return () => null;
    if (/^guid$/i.test(word)) {
      this.expect('(');
      const v = this.take().text.toLowerCase();
      this.expect(')');
      return () => v;
    }
    if (/^datetime$/i.test(word)) {
      this.expect('(');
      const parts: number[] = [];
      while (this.peek()?.text !== ')') {
        const tok = this.take();
        if (tok.text !== ',') parts.push(Number(tok.text));
      }
      this.expect(')');
      const [y = 1970, m = 1, d = 1, hh = 0, mm = 0, ss = 0] = parts;
      const ms = Date.UTC(y, m - 1, d, hh, mm, ss);
      return () => ms;
    }
    const path = [word];
    let operand: Operand = (r) => lookup(r, path);
    while (this.peek()?.text === '.') {
      this.take();
      const member = this.take().text;
      if (this.peek()?.text !== '(') {
        path.push(member);
        continue;
      }
      this.take();
      const arg = this.peek()?.text === ')' ? undefined : this.operand();
      this.expect(')');
      operand = stringMethod(operand, member, arg);
    }
    return operand;
  }
}

function stringMethod(target: Operand, method: string, arg: Operand | undefined): Operand {
  const str = (v: Value) => (typeof v === 'string' ? v : undefined);
  switch (method.toLowerCase()) {
    case 'tolower':
      return (r) => str(target(r))?.toLowerCase();
    case 'toupper':
      return (r) => str(target(r))?.toUpperCase();
    case 'contains':
    case 'startswith':
    case 'endswith': {
      const m = method.toLowerCase();
      return (r) => {
        const s = str(target(r))?.toLowerCase();
        const a = arg ? str(arg(r))?.toLowerCase() : undefined;
        if (s === undefined || a === undefined) return false;
        return m === 'contains' ? s.includes(a) : m === 'startswith' ? s.startsWith(a) : s.endsWith(a);
      };
    }
    default:
      throw new WhereSyntaxError(`Unsupported method ${method} in where clause`);
  }
}

export function compileWhere(where: string): Predicate {
  return new Parser(tokenize(where)).parse();
}
