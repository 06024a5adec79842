import { useEffect, useId, useRef, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, rows, type Page } from "../api/client";
import { isoToDmy } from "./DateInput";
import type { Assignment, Officer } from "../types/org";

interface Choice {
  officer: Officer;
  post?: string;
  unit?: string;
}

/** Type-ahead for an officer. With `unitId` and `at` (YYYY-MM-DD) it lists only who served in that
 *  unit on that day, with their post (GET /api/org/units/{id}/officers/?at=): the subject of a
 *  finding. Without them it searches the officers in the user's scope (/api/org/officers/).
 *  Keyboard: arrows move, Enter picks, Escape closes. */
export function OfficerPicker({ value, onChange, unitId, at, unitName }: { value: Pick<Officer, "id" | "full_name" | "rank" | "service_number"> | null; onChange: (o: Officer | null) => void; unitId?: number; at?: string; unitName?: string }) {
  const { t } = useTranslation();
  const listId = useId();
  const [text, setText] = useState("");
  const [debounced, setDebounced] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const scoped = Boolean(unitId && at);
  useEffect(() => {
    const h = setTimeout(() => setDebounced(text), 200);
    return () => clearTimeout(h);
  }, [text]);
  const q = useQuery({
    queryKey: ["officers", debounced, unitId ?? null, scoped ? at : null],
    queryFn: async (): Promise<Choice[]> => {
      if (scoped) {
        const page = await api.get<Page<Assignment>>(`org/units/${unitId}/officers/`, { search: debounced, at, page_size: 30 });
        const seen = new Set<number>();
        return rows(page).filter((a) => !seen.has(a.officer.id) && seen.add(a.officer.id)).map((a) => ({ officer: a.officer, post: a.position, unit: a.unit.name }));
      }
      return rows(await api.get<Page<Officer>>("org/officers/", { search: debounced, page_size: 20 })).map((o) => ({ officer: o }));
    },
    enabled: open,
  });
  const choices = q.data ?? [];
  const listRef = useRef<HTMLUListElement>(null);
  useEffect(() => setActive(0), [debounced, open]);
  // inside a scrolling dialog the list may open below the fold: bring it into view
  useEffect(() => {
    if (open && choices.length) listRef.current?.scrollIntoView?.({ block: "nearest" });
  }, [open, choices.length]);
  function pick(c: Choice) {
    onChange(c.officer);
    setText("");
    setOpen(false);
  }
  if (value) {
    return (
      <div className="picked">
        <span>
          <strong>{value.full_name}</strong> <span className="muted">{value.rank} · {value.service_number}</span>
        </span>
        <button type="button" className="icon-btn" onClick={() => onChange(null)} aria-label={t("action.clear")}>×</button>
      </div>
    );
  }
  const optionId = (i: number) => `${listId}-o${i}`;
  return (
    <div className="combo">
      <input
        value={text}
        placeholder={t("findings.searchOfficer")}
        onChange={(e) => { setText(e.target.value); setOpen(true); }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") { e.preventDefault(); setOpen(true); setActive((i) => Math.min(i + 1, choices.length - 1)); }
          else if (e.key === "ArrowUp") { e.preventDefault(); setActive((i) => Math.max(i - 1, 0)); }
          else if (e.key === "Enter" && open && choices[active]) { e.preventDefault(); pick(choices[active]); }
          else if (e.key === "Escape") setOpen(false);
        }}
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && choices[active] ? optionId(active) : undefined}
        aria-label={t("findings.officer")}
        data-testid="officer-picker"
      />
      {open && (
        <ul ref={listRef} className="combo-list" role="listbox" id={listId} aria-label={scoped ? t("picker.servedIn", { unit: unitName ?? "", date: isoToDmy(at!) }) : t("findings.officer")}>
          {scoped && <li className="combo-head small muted" role="presentation">{t("picker.servedIn", { unit: unitName ?? "", date: isoToDmy(at!) })}</li>}
          {choices.map((c, i) => (
            <li key={c.officer.id} id={optionId(i)} role="option" aria-selected={i === active} className={i === active ? "active" : ""} onMouseDown={() => pick(c)}>
              <strong>{c.officer.full_name}</strong> <span className="muted">{c.officer.rank} · {c.officer.service_number}</span>
              {c.post && <div className="small muted">{c.post} — {c.unit}</div>}
            </li>
          ))}
          {q.isSuccess && choices.length === 0 && <li className="muted" role="presentation">{t("common.none")}</li>}
        </ul>
      )}
    </div>
  );
}
