import { useTranslation } from "react-i18next";
import { useUnitsOn } from "../hooks/use-ref-data";

/** A list filter by unit that offers the units in force today (local date): a commune whose merger is
 *  recorded for a later date is still offered, its successor not before it starts. Which units are in
 *  force on a day is the server's rule (`org/units/?at=`, through `useUnitsOn`), not a copy here. */
export function UnitFilter({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const { t } = useTranslation();
  const units = useUnitsOn(null).data ?? [];
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} data-testid="unit-filter">
      <option value="">{t("common.all")}</option>
      {units.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
    </select>
  );
}
