// A small SQL tokenizer for highlighting transforms (DuckDB dialect is close enough to ANSI for
// colouring). Lossless: joining the token texts gives back the input exactly.
import { format } from "sql-formatter";

export type SqlTokenType = "keyword" | "string" | "number" | "comment" | "function" | "identifier" | "operator" | "whitespace" | "punctuation";
export interface SqlToken {
  type: SqlTokenType;
  text: string;
}

const KEYWORDS = new Set(
  (
    "select from where and or not as on join left right inner outer full cross using group by order having limit offset " +
    "union all distinct case when then else end in is null true false like ilike between exists with asc desc over " +
    "partition rows range preceding following current row interval cast try_cast filter qualify window values insert " +
    "into update delete create table view replace struct list map date timestamp varchar integer bigint double boolean"
  ).split(" "),
);

const RULES: Array<[SqlTokenType, RegExp]> = [
  ["whitespace", /^\s+/],
  ["comment", /^(--[^\n]*|\/\*[\s\S]*?(\*\/|$))/],
  ["string", /^'(?:[^']|'')*'?/],
  ["identifier", /^"(?:[^"]|"")*"?/],
  ["number", /^\d+(\.\d+)?([eE][+-]?\d+)?/],
  ["identifier", /^[A-Za-z_][A-Za-z0-9_$]*/],
  ["operator", /^(<>|<=|>=|!=|::|\|\||[-+*/%<>=!~^&|])/],
  ["punctuation", /^[(),.;[\]{}:]/],
];

export function tokenizeSql(sql: string): SqlToken[] {
  const out: SqlToken[] = [];
  let rest = sql;
  while (rest.length > 0) {
    let matched = false;
    for (const [type, re] of RULES) {
      const m = re.exec(rest);
      if (!m || m[0].length === 0) continue;
      let t = type;
      if (type === "identifier" && !m[0].startsWith('"')) {
        const lower = m[0].toLowerCase();
        if (KEYWORDS.has(lower)) t = "keyword";
        else if (/^\s*\(/.test(rest.slice(m[0].length))) t = "function";
      }
      out.push({ type: t, text: m[0] });
      rest = rest.slice(m[0].length);
      matched = true;
      break;
    }
    if (!matched) {
      out.push({ type: "punctuation", text: rest[0] });
      rest = rest.slice(1);
    }
  }
  return out;
}

/** Pretty-prints a transform for reading; returns it unchanged if the formatter cannot parse it. */
export function formatSql(sql: string): string {
  try {
    return format(sql, { language: "duckdb", keywordCase: "upper", tabWidth: 2 });
  } catch {
    return sql;
  }
}
