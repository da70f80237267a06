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

export function CodeBlock({ code, language, copy = true, label, className }: { code: string; language?: "sql" | "text"; copy?: boolean; label?: string; className?: string }) {
  return (
    <div className={clsx("relative rounded-md border border-line bg-code", className)}>
      {copy ? <CopyButton text={code} label={label ? `Copy ${label}` : "Copy"} className="absolute top-2 right-2" /> : null}
      <pre className="overflow-x-auto p-3 pr-20 font-mono text-xs leading-relaxed">
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
