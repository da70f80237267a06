"use client";
import { useClientValue } from "@/lib/console/use-client-value";
import { curlOnlineSnippet, sdkOnlineSnippet, trainingSnippet, type SnippetInput } from "@/lib/console/snippets";
import { CodeBlock } from "../../ui/code-block";

export function SnippetsPanel(props: Omit<SnippetInput, "origin">) {
  const origin = useClientValue(() => window.location.origin, "http://localhost:3000");
  const input = { ...props, origin };
  return (
    <div className="space-y-4">
      <p className="text-sm text-fg-muted">
        Use an API token with the <strong>consumer</strong> role or higher as <code>LARDER_TOKEN</code>.
      </p>
      {[
        ["TypeScript SDK (online)", sdkOnlineSnippet(input)],
        ["curl (online API)", curlOnlineSnippet(input)],
        ["Training data (point in time)", trainingSnippet(input)],
      ].map(([title, code]) => (
        <section key={title}>
          <h3 className="mb-1.5 text-sm font-medium">{title}</h3>
          <CodeBlock code={code} label={title} />
        </section>
      ))}
    </div>
  );
}
