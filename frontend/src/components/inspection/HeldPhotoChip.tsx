import { useTranslation } from "react-i18next";
import { Icon } from "../Icon";
import type { PhotoPayload } from "../../offline/store";

/** A photo held on the device for a criterion that cannot be saved yet (hooks/use-held-photos): says it
 *  waits for the save, why, and lets the user drop it. */
export function HeldPhotoChip({ photo, hint, onRemove }: { photo: PhotoPayload; hint: string; onRemove?: () => void }) {
  const { t } = useTranslation();
  return (
    <span className="evidence-chip evidence-queued" data-testid="photo-held">
      <Icon name="clip" /> {photo.name} <strong>{t("run.photoHeld")}</strong> <span className="field-warn">{hint}</span>
      {onRemove && (
        <button type="button" className="btn btn-ghost btn-sm" onClick={onRemove} aria-label={t("run.photoHeldRemove", { name: photo.name })} data-testid="photo-held-remove">
          {t("run.photoHeldRemoveShort")}
        </button>
      )}
    </span>
  );
}
