import { useTranslation } from "react-i18next";
import { PageHeader } from "../../components/ui";
import { useMe } from "../../hooks/use-me";
import AbsencesCard from "./AbsencesCard";

/** The inspection team's absences on their own page: for an administrator, who records them but never
 *  sees a draw, nor why someone is away (the server leaves the kind and the reasons out for him; the
 *  lead has the same card, with them, under the draws). */
export default function AbsencesPage() {
  const { t } = useTranslation();
  const me = useMe().data;
  return (
    <>
      <PageHeader title={t("nav.absences")} />
      <AbsencesCard canEdit={me?.role === "inspection_lead" || me?.role === "admin"} privateHint={me?.role === "admin"} />
    </>
  );
}
