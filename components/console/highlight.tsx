// The words of a search query marked in a result's text (lib/console/search highlightParts).
import { highlightParts } from "@/lib/console/search";

export function Highlight({ text, query }: { text: string; query: string }) {
  return (
    <>
      {highlightParts(text, query).map((p, i) =>
        p.match ? (
          <mark key={i} className="rounded-sm bg-amber-200/70 text-inherit dark:bg-amber-500/30">
            {p.text}
          </mark>
        ) : (
          p.text
        ),
      )}
    </>
  );
}
