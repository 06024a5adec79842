import { useEffect, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { ApiError, api, rows, type Page } from "../../api/client";
import { Badge, Card, Empty, Field, InlineError, PageHeader, QueryState } from "../../components/ui";
import { ZoneEditor } from "../../components/ZoneEditor";
import { useCameras } from "../../hooks/use-ref-data";
import type { Camera, Zone } from "../../types/org";
import type { Clip, ClipTimeline } from "../../types/media";
import { ActionButton } from "../../components/ActionButton";

function useStillFrame(camera: Camera | undefined) {
  return useQuery({
    queryKey: ["still", camera?.code],
    enabled: Boolean(camera),
    queryFn: async () => {
      try {
        const clips = rows(await api.get<Page<Clip>>("media/clips/", { camera: camera!.code, state: "indexed", page_size: 1 }));
        if (!clips.length) return null;
        const tl = await api.get<ClipTimeline>(`media/clips/${clips[0].id}/events/`);
        return tl.poster_url;
      } catch (e) {
        if (e instanceof ApiError && e.status < 500) return null;
        throw e;
      }
    },
  });
}

export default function CamerasPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const camsQ = useCameras();
  const cams = camsQ.data ?? [];
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const camera = cams.find((c) => c.id === selectedId) ?? cams[0];
  const [zones, setZones] = useState<Zone[]>([]);
  const [zi, setZi] = useState(0);
  const [newName, setNewName] = useState("");
  const still = useStillFrame(camera);
  useEffect(() => {
    setZones(camera?.zones ?? []);
    setZi(0);
  }, [camera]);
  const save = useMutation({
    mutationFn: () => api.patch<Camera>(`org/cameras/${camera!.id}/`, { zones }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["ref", "cameras"] }),
  });
  const tooFew = zones.some((z) => z.points.length < 3);
  return (
    <>
      <PageHeader title={t("cams.title")} subtitle={t("cams.subtitle")} />
      <QueryState q={camsQ}>
        {cams.length === 0 ? (
          <Card><Empty title={t("cams.pick")} /></Card>
        ) : (
          <div className="grid-main-side" style={{ gridTemplateColumns: "minmax(260px, 1fr) minmax(0, 2.4fr)" }}>
            <Card className="flush">
              <table className="table">
                <tbody>
                  {cams.map((c) => (
                    <tr key={c.id} className={`clickable ${c.id === camera?.id ? "selected" : ""}`} onClick={() => setSelectedId(c.id)}>
                      <td>
                        <button type="button" className="row-link" aria-pressed={c.id === camera?.id} onClick={(e) => { e.stopPropagation(); setSelectedId(c.id); }}><strong>{c.code}</strong></button> <Badge tone={c.active ? "green" : "grey"}>{c.active ? t("cams.active") : t("cams.inactive")}</Badge>
                        <div className="small muted">{c.counter.unit.name}</div>
                        <div className="small muted">{c.zones.map((z) => t(`zone.${z.name}`, { defaultValue: z.name })).join(", ") || "—"}</div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Card>
            {camera && (
              <Card
                title={`${camera.code} — ${camera.name}`}
                actions={<ActionButton type="button" className="btn btn-primary btn-sm" why={(save.isPending && t("why.busy")) || (tooFew && t("cams.tooFew"))} onClick={() => save.mutate()}>{t("cams.save")}</ActionButton>}
              >
                {!still.data && !still.isPending && <div className="notice small" style={{ marginBottom: 8 }}>{t("cams.noFrame")}</div>}
                <ZoneEditor zones={zones} selected={zi} image={still.data} onChange={(z) => { setZones(z); save.reset(); }} onSelect={setZi} />
                <p className="small muted">{t("cams.drawHint")}</p>
                <div className="row">
                  {zones.map((z, i) => (
                    <button key={i} type="button" className={`btn btn-sm ${i === zi ? "btn-primary" : "btn-secondary"}`} onClick={() => setZi(i)}>
                      {t(`zone.${z.name}`, { defaultValue: z.name })} · {t("cams.points", { n: z.points.length })}
                    </button>
                  ))}
                  {zones[zi] && (
                    <>
                      <button type="button" className="btn btn-ghost btn-sm" onClick={() => setZones(zones.map((z, i) => (i === zi ? { ...z, points: [] } : z)))}>{t("cams.clearPoints")}</button>
                      <button type="button" className="btn btn-ghost btn-sm" onClick={() => { setZones(zones.filter((_, i) => i !== zi)); setZi(0); }}>{t("cams.removeZone")}</button>
                    </>
                  )}
                </div>
                <div className="row" style={{ marginTop: 10 }}>
                  <Field label={t("cams.zoneName")}>
                    <input value={newName} onChange={(e) => setNewName(e.target.value.replace(/[^A-Za-z0-9_-]/g, ""))} placeholder={t("cams.zonePlaceholder")} list="zone-names" />
                  </Field>
                  <datalist id="zone-names"><option value="officer">{t("zone.officer")}</option><option value="citizen">{t("zone.citizen")}</option></datalist>
                  <ActionButton type="button" className="btn btn-secondary btn-sm" why={(!newName && t("why.nameRequired")) || (zones.some((z) => z.name === newName) && t("why.zoneExists"))} onClick={() => { setZones([...zones, { name: newName, points: [] }]); setZi(zones.length); setNewName(""); }}>
                    + {t("cams.addZone")}
                  </ActionButton>
                </div>
                {tooFew && <div className="notice notice-amber small">{t("cams.tooFew")}</div>}
                {save.isSuccess && <div className="notice notice-green small">{t("cams.saved")}</div>}
                {save.isError && <InlineError error={save.error} />}
              </Card>
            )}
          </div>
        )}
      </QueryState>
    </>
  );
}
