"use client";
// In-place edit of a view's description, owner and tags (PATCH …/feature-views/{view}; audited,
// creates no version). Shown only to callers with definitions.edit; the server checks again.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Pencil } from "lucide-react";
import { useState } from "react";
import { api } from "@/lib/console/api-client";
import { qk } from "@/lib/console/query-keys";
import { Button } from "../../ui/button";
import { Dialog } from "../../ui/dialog";
import { ErrorState } from "../../ui/error-state";
import { Field, Input, Textarea } from "../../ui/input";

export function tagsToText(tags: Record<string, string>): string {
  return Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join("\n");
}

export function textToTags(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/[\n,]/)) {
    const t = line.trim();
    if (!t) continue;
    const i = t.indexOf("=");
    if (i < 0) out[t] = "true";
    else out[t.slice(0, i).trim()] = t.slice(i + 1).trim();
  }
  return out;
}

export function MetadataEditor({ project, view, description, owner, tags }: { project: string; view: string; description: string; owner: string; tags: Record<string, string> }) {
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({ description, owner, tags: tagsToText(tags) });
  const client = useQueryClient();
  const save = useMutation({
    mutationFn: () =>
      api.patch(`/api/v1/projects/${encodeURIComponent(project)}/feature-views/${encodeURIComponent(view)}`, {
        description: form.description,
        owner: form.owner,
        tags: textToTags(form.tags),
      }),
    onSuccess: async () => {
      await Promise.all([client.invalidateQueries({ queryKey: qk.featureView(project, view) }), client.invalidateQueries({ queryKey: qk.lists(project) })]);
      setOpen(false);
    },
  });
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (o) {
          setForm({ description, owner, tags: tagsToText(tags) });
          save.reset();
        }
      }}
      title={`Edit ${view}`}
      description="Metadata changes are audited and create no new version."
      trigger={
        <Button size="sm">
          <Pencil aria-hidden className="size-3.5" /> Edit metadata
        </Button>
      }
    >
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Field label="Description" htmlFor="md-description">
          <Textarea id="md-description" value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} />
        </Field>
        <Field label="Owner" htmlFor="md-owner">
          <Input id="md-owner" value={form.owner} onChange={(e) => setForm({ ...form, owner: e.target.value })} />
        </Field>
        <Field label="Tags" htmlFor="md-tags" hint="One key=value per line. The tag restricted=true limits who may read values.">
          <Textarea id="md-tags" className="font-mono" value={form.tags} onChange={(e) => setForm({ ...form, tags: e.target.value })} />
        </Field>
        {save.isError ? <ErrorState compact error={save.error} /> : null}
        <div className="flex justify-end gap-2">
          <Button onClick={() => setOpen(false)}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
