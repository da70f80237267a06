// JSON that keeps int64 exact (docs/retrieval.md, "Values on the wire"). JSON.parse turns an integer
// literal beyond 2^53 into the nearest double (9007199254740993 → 9007199254740992), which corrupts
// ids and join keys; Node 20 has no JSON.parse source access. parseJsonExact reads such literals as
// BigInt (and only those: every other value is what JSON.parse gives), and writeJson writes a
// BigInt back as its digits. Bodies without a run of 16 digits (no integer literal can be unsafe
// with fewer) take JSON.parse itself, so the common request pays one regex scan.

/** A run of 16 digits: the shortest text that can hold an integer literal beyond 2^53. */
const LONG_DIGITS = /[0-9]{16}/;
const MAX_DEPTH = 512;

export class JsonSyntaxError extends SyntaxError {}

/** JSON.parse, except that integer literals outside ±(2^53 − 1) become BigInt (exact digits). */
export function parseJsonExact(text: string): unknown {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text);
  const p = new Parser(text);
  p.ws();
  const v = p.value(0);
  p.ws();
  if (p.i !== text.length) p.fail("Unexpected non-whitespace character after JSON");
  return v;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;

class Parser {
  i = 0;
  constructor(readonly s: string) {}

  fail(what: string): never {
    throw new JsonSyntaxError(`${what} at position ${this.i} (line ${this.s.slice(0, this.i).split("\n").length})`);
  }

  ws(): void {
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
    this.i = i;
  }

  value(depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail(`JSON nested deeper than ${MAX_DEPTH} levels`);
    const c = this.s[this.i];
    if (c === "{") return this.object(depth);
    if (c === "[") return this.array(depth);
    if (c === '"') return this.string();
    if (c === "t") return this.literal("true", true);
    if (c === "f") return this.literal("false", false);
    if (c === "n") return this.literal("null", null);
    return this.number();
  }

  literal<T>(word: string, v: T): T {
    if (!this.s.startsWith(word, this.i)) this.fail(`Unexpected token ${JSON.stringify(this.s[this.i] ?? "end of input")}`);
    this.i += word.length;
    return v;
  }

  number(): number | bigint {
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (!m) this.fail(this.i >= this.s.length ? "Unexpected end of JSON input" : `Unexpected token ${JSON.stringify(this.s[this.i])}`);
    this.i += m[0].length;
    const n = Number(m[0]);
    // Only integer literals become BigInt: a fraction or an exponent says the sender meant a float.
    if (m[1] === undefined && m[2] === undefined && !Number.isSafeInteger(n)) return BigInt(m[0]);
    return n;
  }

  string(): string {
    const s = this.s;
    const start = this.i;
    let i = start + 1;
    let escaped = false;
    for (;;) {
      const c = s.charCodeAt(i);
      if (Number.isNaN(c)) {
        this.i = i;
        this.fail("Unterminated string in JSON");
      }
      if (c === 34) break;
      if (c === 92) {
        escaped = true;
        i += 2;
        continue;
      }
      if (c < 32) {
        this.i = i;
        this.fail("Bad control character in string literal");
      }
      i++;
    }
    this.i = i + 1;
    if (!escaped) return s.slice(start + 1, i);
    try {
      return JSON.parse(s.slice(start, i + 1)) as string;
    } catch (e) {
      this.i = start;
      return this.fail(`Bad string literal (${(e as Error).message})`);
    }
  }

  array(depth: number): unknown[] {
    this.i++;
    const out: unknown[] = [];
    this.ws();
    if (this.s[this.i] === "]") {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.i++];
      if (c === "]") return out;
      if (c !== ",") {
        this.i--;
        this.fail(c === undefined ? "Unexpected end of JSON input" : `Expected ',' or ']' after array element`);
      }
    }
  }

  object(depth: number): Record<string, unknown> {
    this.i++;
    const out: Record<string, unknown> = {};
    this.ws();
    if (this.s[this.i] === "}") {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail(this.i >= this.s.length ? "Unexpected end of JSON input" : "Expected double-quoted property name");
      const key = this.string();
      this.ws();
      if (this.s[this.i] !== ":") this.fail("Expected ':' after property name");
      this.i++;
      this.ws();
      const v = this.value(depth + 1);
      // An own property even for "__proto__", as JSON.parse makes it.
      if (key === "__proto__") Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
      else out[key] = v;
      this.ws();
      const c = this.s[this.i++];
      if (c === "}") return out;
      if (c !== ",") {
        this.i--;
        this.fail(c === undefined ? "Unexpected end of JSON input" : "Expected ',' or '}' after property value");
      }
    }
  }
}

/** JSON.stringify that writes a BigInt as its digits (a JSON number), for values parseJsonExact made. */
export function writeJson(v: unknown): string {
  if (typeof v === "bigint") return v.toString();
  // JSON.stringify(-0) is "0": the sign of a float zero would be lost.
  if (typeof v === "number" && Object.is(v, -0)) return "-0.0";
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) {
    let out = "[";
    for (let i = 0; i < v.length; i++) out += (i ? "," : "") + (v[i] === undefined ? "null" : writeJson(v[i]));
    return `${out}]`;
  }
  if (typeof (v as { toJSON?: unknown }).toJSON === "function") return JSON.stringify(v);
  let out = "{";
  let first = true;
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined || typeof x === "function") continue;
    out += `${first ? "" : ","}${JSON.stringify(k)}:${writeJson(x)}`;
    first = false;
  }
  return `${out}}`;
}
