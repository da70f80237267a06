"use client";
import { Moon, Sun } from "lucide-react";
import { useState } from "react";
import { useClientValue } from "@/lib/console/use-client-value";

/** Flips the `dark` class on <html> and remembers the choice (the root layout applies it before paint). */
export function ThemeToggle() {
  const [chosen, setDark] = useState<boolean | null>(null);
  const initial = useClientValue<boolean | null>(() => document.documentElement.classList.contains("dark"), null);
  const dark = chosen ?? initial;
  const toggle = () => {
    const next = !document.documentElement.classList.contains("dark");
    document.documentElement.classList.toggle("dark", next);
    try {
      localStorage.setItem("larder-theme", next ? "dark" : "light");
    } catch {
      // private mode: the choice lasts for this page only
    }
    setDark(next);
  };
  const label = dark ? "Switch to light theme" : "Switch to dark theme";
  return (
    <button type="button" onClick={toggle} aria-label={label} title={label} className="rounded-md p-2 text-fg-muted hover:bg-surface-2 hover:text-fg">
      {dark ? <Sun className="size-4" aria-hidden /> : <Moon className="size-4" aria-hidden />}
    </button>
  );
}
