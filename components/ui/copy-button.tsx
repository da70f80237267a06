"use client";
import { Check, Copy } from "lucide-react";
import { useState } from "react";
import { clsx } from "clsx";

/** Copies `text`; `label` names it for screen readers and the tooltip, `short` shows only "Copy". */
export function CopyButton({ text, label = "Copy", short, className }: { text: string; label?: string; short?: boolean; className?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      aria-label={copied ? "Copied" : label}
      title={label}
      className={clsx("inline-flex items-center gap-1 rounded border border-line bg-surface px-2 py-1 text-xs text-fg-muted hover:text-fg", className)}
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(text);
        } catch {
          // Clipboard API needs a secure context; fall back to a hidden textarea.
          const ta = document.createElement("textarea");
          ta.value = text;
          document.body.appendChild(ta);
          ta.select();
          document.execCommand("copy");
          ta.remove();
        }
        setCopied(true);
        setTimeout(() => setCopied(false), 1500);
      }}
    >
      {copied ? <Check aria-hidden className="size-3.5" /> : <Copy aria-hidden className="size-3.5" />}
      {copied ? "Copied" : short ? "Copy" : label}
    </button>
  );
}
