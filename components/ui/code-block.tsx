import { clsx } from "clsx";
import { tokenizeSql, type SqlToken } from "@/lib/console/sql-highlight";
import { CopyButton } from "./copy-button";

const TOKEN_CLASS: Record<SqlToken["type"], string> = {
  keyword: "text-tok-keyword font-medium",
  string: "text-tok-string",
  number: "text-tok-number",
  comment: "text-tok-comment italic",
  function: "text-tok-function",
  identifier: "",
  operator: "text-fg-muted",
  whitespace: "",
  punctuation: "text-fg-muted",
};

/**
 * Code with its copy button in a bar above it, never over it: a long line scrolls inside the block
 * (its own horizontal scroll) and the button stays clear of every character.
 */
export function CodeBlock({ code, language, copy = true, label, className }: { code: string; language?: "sql" | "text"; copy?: boolean; label?: string; className?: string }) {
  return (
    <div className={clsx("min-w-0 overflow-hidden rounded-md border border-line bg-code", className)}>
      {copy ? (
        <div className="flex items-center justify-between gap-2 border-b border-line px-3 py-1">
          <span className="truncate text-[11px] font-medium tracking-wide text-fg-subtle uppercase">{language === "sql" ? "SQL" : ""}</span>
          <CopyButton text={code} label={label ? `Copy ${label}` : "Copy"} short />
        </div>
      ) : null}
      <pre className="overflow-x-auto p-3 font-mono text-xs leading-relaxed">
        <code>
          {language === "sql"
            ? tokenizeSql(code).map((t, i) =>
                TOKEN_CLASS[t.type] ? (
                  <span key={i} className={TOKEN_CLASS[t.type]}>
                    {t.text}
                  </span>
                ) : (
                  t.text
                ),
              )
            : code}
        </code>
      </pre>
    </div>
  );
}
