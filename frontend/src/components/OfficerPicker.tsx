import { useEffect, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, rows, type Page } from "../api/client";
import type { Officer } from "../types/org";

/** Type-ahead over /api/org/officers/?search= (scoped by the server). */
export function OfficerPicker({ value, onChange, unitId }: { value: Officer | null; onChange: (o: Officer | null) => void; unitId?: number }) {
  const { t } = useTranslation();
  const [text, setText] = useState("");
  const [debounced, setDebounced] = useState("");
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const h = setTimeout(() => setDebounced(text), 200);
    return () => clearTimeout(h);
  }, [text]);
  const q = useQuery({
    queryKey: ["officers", debounced, unitId],
    queryFn: () => api.get<Page<Officer>>("org/officers/", { search: debounced, unit: unitId, page_size: 20 }),
    enabled: open,
  });
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
  return (
    <div className="combo">
      <input
        value={text}
        placeholder={t("findings.searchOfficer")}
        onChange={(e) => { setText(e.target.value); setOpen(true); }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        aria-label={t("findings.officer")}
      />
      {open && (
        <ul className="combo-list" role="listbox">
          {rows(q.data).map((o) => (
            <li key={o.id} role="option" aria-selected={false} onMouseDown={() => { onChange(o); setText(""); setOpen(false); }}>
              <strong>{o.full_name}</strong> <span className="muted">{o.rank} · {o.service_number}</span>
            </li>
          ))}
          {q.isSuccess && rows(q.data).length === 0 && <li className="muted">{t("common.none")}</li>}
        </ul>
      )}
    </div>
  );
}
