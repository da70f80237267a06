// Feature references: `view:feature` (latest version), `view@v2:feature` (pinned), `view` / `view@v2`
// (every feature of the view). As in Feast, `view@latest:feature` means the latest version and the
// `v` may be upper case (`view@V2:feature`).
export interface FeatureRef {
  view: string;
  /** null = the latest version. */
  version: number | null;
  /** null = every feature of the view. */
  feature: string | null;
}

const NAME = "[A-Za-z_][A-Za-z0-9_]*";
const REF = new RegExp(`^(${NAME})(?:@(?:[vV]([1-9][0-9]*)|[lL][aA][tT][eE][sS][tT]))?(?::(${NAME}))?$`);

export function parseFeatureRef(s: string): FeatureRef | null {
  const m = REF.exec(s.trim());
  if (!m) return null;
  return { view: m[1], version: m[2] ? Number(m[2]) : null, feature: m[3] ?? null };
}

export function formatFeatureRef(r: FeatureRef): string {
  return `${r.view}${r.version === null ? "" : `@v${r.version}`}${r.feature === null ? "" : `:${r.feature}`}`;
}

export const FEATURE_REF_HELP = 'Use "view:feature", "view@v2:feature", or "view" for every feature of a view.';
