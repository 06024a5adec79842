import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useParams, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { Icon } from "../../components/Icon";
import { ApiError, api, rows, type Page } from "../../api/client";
import { useWsEvent } from "../../api/ws";
import { Badge, Card, ErrorState, Field, InlineError, Modal, PageHeader, Spinner } from "../../components/ui";
import { ClipStateBadge, useLocalName, useZoneName } from "../../components/labels";
import { clipInstant, fmtClock, fmtDateTime, fmtDateTimeSeconds, fmtDuration, fmtSeconds, fmtTime } from "../../components/format";
import { EVENT_COLORS, Timeline, type Range } from "../../components/player/Timeline";
import { handlePlayerKey, isTypingTarget, SHORTCUTS } from "../../components/player/keys";
import { parseSpriteVtt, type SpriteCue } from "../../components/player/vtt";
import { usePresence } from "../../hooks/use-presence";
import { initial } from "../../components/Layout";
import { useMe } from "../../hooks/use-me";
import type { ClipCoverage, ClipDetail, ClipTimeline, Playback, Tag, TagFinding, TagLabel, Taxonomy } from "../../types/media";
import type { FindingBrief } from "../../types/inspection";
import { NewFindingDialog } from "../../components/inspection/NewFindingDialog";
import { ExportDialog, PackagesCard } from "../../components/evidence/Packages";
import { OUTSIDE_REASON_MIN, outsidePeriod, type Span } from "../../components/evidence/period";
import { ActionButton } from "../../components/ActionButton";

const REASONS = ["review", "complaint", "check", "finding"] as const;
const REASON_KEY = "cw.viewReason";

export function TagDialog({ range, labels, onClose, onSave, saving, error }: {
  range: { start: number; end: number };
  labels: TagLabel[];
  onClose: () => void;
  onSave: (label: string, note: string) => void;
  saving: boolean;
  error: unknown;
}) {
  const { t } = useTranslation();
  const name = useLocalName();
  const [label, setLabel] = useState(labels[0]?.code ?? "");
  const [note, setNote] = useState("");
  return (
    <Modal
      title={t("player.tagRange")}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-secondary" onClick={onClose}>{t("action.cancel")}</button>
          <ActionButton type="button" className="btn btn-primary" why={(saving && t("why.busy")) || (!label && t("why.pickLabel"))} onClick={() => onSave(label, note)} data-testid="tag-save">{t("player.saveTag")}</ActionButton>
        </>
      }
    >
      <p className="notice">{t("player.selection", { from: fmtSeconds(range.start), to: fmtSeconds(range.end), len: fmtDuration(range.end - range.start) })}</p>
      <Field label={t("player.label")}>
        <select value={label} onChange={(e) => setLabel(e.target.value)} name="label">
          {labels.map((l) => <option key={l.code} value={l.code}>{name(l)}</option>)}
        </select>
      </Field>
      <Field label={t("player.note")}>
        <textarea value={note} onChange={(e) => setNote(e.target.value)} name="note" />
      </Field>
      {error ? <InlineError error={error} /> : null}
    </Modal>
  );
}

/** "Chứng cứ của vi phạm: VP-… title" on a tag's card, each a link to the finding; nothing for a tag of
 * no finding the reader may open (the server lists only those: a draft is the inspection team's). */
export function TagEvidenceOf({ findings }: { findings?: TagFinding[] }) {
  const { t } = useTranslation();
  if (!findings?.length) return null;
  return (
    <div className="small" data-testid="tag-evidence-of">
      {t("player.evidenceOf")}:{" "}
      {findings.map((f, i) => (
        <span key={f.id}>
          {i > 0 && "; "}
          <Link to={`/inspection/findings/${f.id}`}><strong>{f.reference}</strong> {f.title}</Link>
        </span>
      ))}
    </div>
  );
}

/** A tag as the page keeps it after an answer or an event: a websocket event carries the tag without
 * the reader's `findings` (they are per reader), so the ones fetched before are kept until a refetch. */
export function mergeTag(old: Tag | undefined, incoming: Tag): Tag {
  return { ...incoming, findings: incoming.findings ?? old?.findings ?? [] };
}

export function LinkFindingDialog({ tag, clip, labels, onClose }: { tag: Tag; clip: ClipDetail; labels: TagLabel[]; onClose: () => void }) {
  const { t } = useTranslation();
  const name = useLocalName();
  const qc = useQueryClient();
  const me = useMe().data;
  const unitId = clip.unit?.id;
  const [search, setSearch] = useState("");
  const [findingId, setFindingId] = useState<number | null>(null);
  const [note, setNote] = useState("");
  const [creating, setCreating] = useState(false);
  const q = useQuery({
    queryKey: ["findings", { search, unit: unitId, link: true }],
    queryFn: () => api.get<Page<FindingBrief>>("inspection/findings/", { search, unit: unitId, page_size: 20 }),
  });
  const [outsideReason, setOutsideReason] = useState("");
  // a dismissed finding takes no evidence (the server refuses it: finding_closed), so it is not offered
  const choices = rows(q.data).filter((f) => f.state !== "dismissed");
  const picked = choices.find((f) => f.id === findingId);
  // footage outside the finding's period: said before sending, attached only with a reason (the
  // server refuses it otherwise: 409 outside_period, which names both times)
  const outside = picked ? outsidePeriod(clip.started_at, tag, picked) : null;
  const link = useMutation({
    mutationFn: (id: number) => api.post("media/evidence/", {
      finding_id: id, tag_id: tag.id, note,
      ...(outsideReason.trim() ? { out_of_period_reason: outsideReason.trim() } : {}),
    }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["findings"] });
      void qc.invalidateQueries({ queryKey: ["tags", tag.clip_id] }); // the card names its findings
    },
  });
  const serverOutside = link.error instanceof ApiError && link.error.code === "outside_period";
  const needsReason = !!outside || serverOutside;
  const span = (s: Span) => `${fmtDateTimeSeconds(s.start)} – ${fmtDateTimeSeconds(s.end)}`;
  const canCreate = me?.role === "reviewer" || me?.is_inspection_team;
  if (creating) {
    const start = clip.started_at ? new Date(new Date(clip.started_at).getTime() + tag.start_s * 1000).toISOString() : undefined;
    const end = clip.started_at ? new Date(new Date(clip.started_at).getTime() + tag.end_s * 1000).toISOString() : undefined;
    const label = labels.find((l) => l.code === tag.label.code);
    return (
      <NewFindingDialog
        prefill={{
          source: "footage",
          unitId,
          counterId: clip.counter?.id ?? null,
          occurredFrom: start,
          occurredTo: end,
          title: name(tag.label),
          description: tag.note,
          categoryCode: label?.finding_category_code || undefined,
        }}
        onClose={() => setCreating(false)}
        onCreated={(f) => {
          setCreating(false);
          setFindingId(f.id);
          link.mutate(f.id);
        }}
      />
    );
  }
  return (
    <Modal
      wide
      title={t("player.linkTitle")}
      onClose={onClose}
      footer={
        link.isSuccess ? (
          <button type="button" className="btn btn-primary" onClick={onClose}>{t("action.close")}</button>
        ) : (
          <>
            <button type="button" className="btn btn-secondary" onClick={onClose}>{t("action.cancel")}</button>
            {canCreate && <button type="button" className="btn btn-ghost" onClick={() => setCreating(true)} data-testid="finding-from-tag">+ {t("player.newFinding")}</button>}
            <ActionButton type="button" className="btn btn-primary" why={(link.isPending && t("why.busy")) || (!findingId && t("why.pickFinding")) || (needsReason && outsideReason.trim().length < OUTSIDE_REASON_MIN && t("player.outsideReasonNeeded", { n: OUTSIDE_REASON_MIN }))} onClick={() => findingId && link.mutate(findingId)} data-testid="link-submit">{needsReason ? t("player.linkOutside") : t("player.linkFinding")}</ActionButton>
          </>
        )
      }
    >
      {link.isSuccess ? (
        <div className="notice notice-green" data-testid="linked">
          {t("player.linked")} <Link to={`/inspection/findings/${findingId}`}>{t("player.openFinding")} →</Link>
        </div>
      ) : (
        <>
          <Field label={t("player.pickFinding")}>
            <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder={t("common.search")} />
          </Field>
          {q.isPending && <Spinner />}
          {q.isError && <InlineError error={q.error} />}
          {q.isSuccess && choices.length === 0 && (
            // an empty box told the reviewer nothing (issue 15): why there is nothing, and what to do
            <div className="notice notice-amber" role="status" data-testid="link-no-findings">
              {search.trim()
                ? t("player.noFindingMatch", { q: search.trim() })
                : t("player.noOpenFindings", { unit: clip.unit?.name ?? t("player.thisUnit") })}{" "}
              {canCreate ? t("player.noOpenFindingsCreate", { action: t("player.newFinding") }) : t("player.noOpenFindingsAsk")}
            </div>
          )}
          <div className="table-wrap" style={{ maxHeight: 280, overflowY: "auto" }} hidden={choices.length === 0}>
            <table className="table">
              <tbody>
                {choices.map((f) => (
                  <tr key={f.id} className={`clickable ${findingId === f.id ? "selected" : ""}`} onClick={() => setFindingId(f.id)}>
                    <td><input type="radio" name="finding-pick" checked={findingId === f.id} onChange={() => setFindingId(f.id)} aria-label={f.reference} /></td>
                    <td className="nowrap"><strong>{f.reference}</strong></td>
                    <td>{f.title}<div className="muted small">{f.unit.name} · {fmtDateTime(f.occurred_from)}</div></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Field label={t("player.note")}>
            <textarea value={note} onChange={(e) => setNote(e.target.value)} />
          </Field>
          {needsReason && (
            <div className="notice notice-amber" role="alert" data-testid="outside-period">
              {outside
                ? t("player.outsidePeriod", { moment: span(outside.moment), period: span(outside.period), ref: picked?.reference ?? "" })
                : t("player.outsidePeriodServer")}
              <Field label={t("player.outsideReason", { n: OUTSIDE_REASON_MIN })}>
                <textarea value={outsideReason} onChange={(e) => setOutsideReason(e.target.value)} name="out_of_period_reason" />
              </Field>
            </div>
          )}
          {link.isError && !serverOutside && <InlineError error={link.error} />}
        </>
      )}
    </Modal>
  );
}

export default function PlayerPage() {
  const { id = "" } = useParams();
  const clipId = Number(id);
  const [params] = useSearchParams();
  const { t } = useTranslation();
  const zoneName = useZoneName();
  const name = useLocalName();
  const qc = useQueryClient();
  const me = useMe().data;
  const videoRef = useRef<HTMLVideoElement>(null);
  const [time, setTime] = useState(Number(params.get("t") ?? 0) || 0);
  const [playing, setPlaying] = useState(false);
  const [selection, setSelection] = useState<Range>({ start: null, end: null });
  const [tagOpen, setTagOpen] = useState(false);
  const [linkTag, setLinkTag] = useState<Tag | null>(null);
  const [flash, setFlash] = useState<{ id: number; by: string } | null>(null);
  const [reason, setReason] = useState<string>(() => (params.get("reason") ?? sessionStorage.getItem(REASON_KEY) ?? "review"));
  const [sprites, setSprites] = useState<SpriteCue[]>([]);
  const [picked, setPicked] = useState<Set<number>>(new Set());
  const [exportOpen, setExportOpen] = useState(false);

  const clipQ = useQuery({ queryKey: ["clip", clipId], queryFn: () => api.get<ClipDetail>(`media/clips/${clipId}/`) });
  const tlQ = useQuery({ queryKey: ["clip", clipId, "events"], queryFn: () => api.get<ClipTimeline>(`media/clips/${clipId}/events/`) });
  const tagsQ = useQuery({ queryKey: ["tags", clipId], queryFn: () => api.get<Page<Tag>>("media/tags/", { clip: clipId, page_size: 200 }) });
  const labelsQ = useQuery({ queryKey: ["taxonomy"], queryFn: () => api.get<Taxonomy>("media/taxonomy/"), staleTime: 10 * 60_000 });
  const playback = useMutation({
    mutationFn: () => api.post<Playback>(`media/clips/${clipId}/playback/`, { reason: t(`player.reason.${reason}`), variant: "auto" }),
  });
  const createTag = useMutation({
    mutationFn: (body: { label: string; note: string }) =>
      api.post<Tag>("media/tags/", { clip_id: clipId, label: body.label, note: body.note, start_s: round(selection.start!), end_s: round(selection.end!) }),
    onSuccess: (tag) => {
      upsertTag(tag);
      setTagOpen(false);
      setSelection({ start: null, end: null });
    },
  });

  const viewers = usePresence(clipId, time, me?.id);

  // Coverage: which seconds this reviewer actually played (posted on pause, end and leaving).
  const coverageQ = useQuery({ queryKey: ["coverage", clipId], queryFn: () => api.get<ClipCoverage>(`media/clips/${clipId}/coverage/`) });
  const playedFrom = useRef<number | null>(null);
  const pending = useRef<[number, number][]>([]);
  const flushCoverage = useCallback(() => {
    const v = videoRef.current;
    if (playedFrom.current !== null && v) {
      if (v.currentTime - playedFrom.current > 0.2) pending.current.push([round(playedFrom.current), round(v.currentTime)]);
      playedFrom.current = v.paused ? null : v.currentTime;
    }
    if (!pending.current.length) return;
    const ranges = pending.current;
    pending.current = [];
    void api.post(`media/clips/${clipId}/coverage/`, { ranges }).then(() => qc.invalidateQueries({ queryKey: ["coverage", clipId] })).catch(() => undefined);
  }, [clipId, qc]);
  useEffect(() => () => flushCoverage(), [flushCoverage]);
  const tl = tlQ.data;
  const clip = clipQ.data;
  const duration = tl?.duration_s ?? clip?.duration_s ?? 0;
  const events = useMemo(() => (tl?.events ?? []).filter((e) => e.kind !== "motion"), [tl]);
  const eventStarts = useMemo(() => [...new Set(events.map((e) => e.start_s))].sort((a, b) => a - b), [events]);
  const tags = rows(tagsQ.data).filter((x) => !x.deleted);
  const canExport = ["reviewer", "admin", "inspection_lead", "inspector"].includes(me?.role ?? "");
  const pickedIds = tags.filter((x) => picked.has(x.id)).map((x) => x.id);
  const togglePick = (tagId: number) =>
    setPicked((old) => {
      const next = new Set(old);
      if (next.has(tagId)) next.delete(tagId);
      else next.add(tagId);
      return next;
    });

  const upsertTag = useCallback(
    (tag: Tag) =>
      qc.setQueryData<Page<Tag>>(["tags", clipId], (old) => {
        const list = old?.results ?? [];
        const others = list.filter((x) => x.id !== tag.id);
        const merged = mergeTag(list.find((x) => x.id === tag.id), tag);
        const results = tag.deleted ? others : [...others, merged].sort((a, b) => a.start_s - b.start_s);
        return { count: results.length, count_exact: true, next: null, previous: null, ...(old ?? {}), results };
      }),
    [qc, clipId],
  );

  useWsEvent(["tag.created", "tag.updated", "tag.deleted"], (m) => {
    const tag = m.tag as Tag | undefined;
    if (!tag || Number(m.clip_id ?? tag.clip_id) !== clipId) return;
    upsertTag(m.type === "tag.deleted" ? { ...tag, deleted: true } : tag);
    if (m.type === "tag.created" && tag.author.id !== me?.id) setFlash({ id: tag.id, by: tag.author.name });
  });
  // a tag became evidence of a published finding: the cards' `findings` are per reader, so refetch them
  useWsEvent(["evidence.linked"], (m) => {
    const ev = m.evidence as { clip_id?: number | null; tag_id?: number | null } | undefined;
    if (ev?.tag_id && Number(ev.clip_id) === clipId) void qc.invalidateQueries({ queryKey: ["tags", clipId] });
  });
  useWsEvent(["clip.indexed", "clip.progress", "clip.failed"], (m) => {
    const c = m.clip as { id: number } | undefined;
    if (c?.id === clipId) {
      void qc.invalidateQueries({ queryKey: ["clip", clipId] });
    }
  });

  useEffect(() => {
    if (!flash) return;
    const h = setTimeout(() => setFlash(null), 6000);
    return () => clearTimeout(h);
  }, [flash]);

  // Sprite map for hover thumbnails.
  useEffect(() => {
    if (!tl?.vtt_url) return;
    let alive = true;
    fetch(tl.vtt_url, { credentials: "same-origin" })
      .then((r) => (r.ok ? r.text() : ""))
      .then((text) => alive && setSprites(parseSpriteVtt(text, tl.vtt_url!)))
      .catch(() => undefined);
    return () => {
      alive = false;
    };
  }, [tl?.vtt_url]);

  const seek = useCallback(
    (s: number) => {
      const v = videoRef.current;
      const clamped = Math.max(0, Math.min(duration || s, s));
      if (v && playback.data) v.currentTime = clamped;
      setTime(clamped);
    },
    [duration, playback.data],
  );
  const togglePlay = useCallback(() => {
    const v = videoRef.current;
    if (!v || !playback.data) return;
    if (v.paused) void v.play().catch(() => undefined);
    else v.pause();
  }, [playback.data]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTypingTarget(e.target) || e.ctrlKey || e.metaKey || e.altKey || tagOpen || linkTag) return;
      const handled = handlePlayerKey(e.key, {
        time,
        duration,
        eventStarts,
        selection,
        togglePlay,
        seek,
        setSelection,
        openTag: () => setTagOpen(true),
      });
      if (handled) e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [time, duration, eventStarts, selection, togglePlay, seek, tagOpen, linkTag]);

  // When the video arrives, jump to the requested moment.
  useEffect(() => {
    const v = videoRef.current;
    if (v && playback.data) {
      const onMeta = () => {
        if (time > 0) v.currentTime = time;
      };
      v.addEventListener("loadedmetadata", onMeta, { once: true });
      return () => v.removeEventListener("loadedmetadata", onMeta);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [playback.data]);

  if (clipQ.isPending) return <Spinner />;
  if (clipQ.isError || !clip) return <ErrorState error={clipQ.error} onRetry={() => clipQ.refetch()} />;
  const hasSel = selection.start !== null && selection.end !== null && selection.end > selection.start;

  return (
    <>
      <div className="breadcrumb">
        <Link to="/review/clips">{t("clips.title")}</Link> / {clip.camera?.code ?? "—"} · {fmtTime(clip.started_at)}
      </div>
      <PageHeader
        title={`${clip.camera?.code ?? "—"} · ${fmtDateTime(clip.started_at)}`}
        subtitle={
          <span className="row">
            <ClipStateBadge value={clip.state} />
            <span>{clip.unit?.name}</span>
            {clip.counter && <span>· {clip.counter.name}</span>}
            <span>· {fmtClock(duration)}</span>
          </span>
        }
        actions={
          <div className="row" data-testid="presence">
            <Link className="btn btn-ghost btn-sm" to={`/review/clips/${clip.id}/custody`} data-testid="open-custody">{t("custody.open")}</Link>
            {viewers.length === 0 ? (
              <span className="muted small">{t("player.onlyYou")}</span>
            ) : (
              <>
                <span className="muted small">{t("player.watching")}:</span>
                {viewers.map((v) => (
                  <span className="viewer" key={v.user_id} title={v.position !== null ? fmtClock(v.position) : undefined}>
                    <span className="avatar">{initial(v.name)}</span>
                    {v.name}
                  </span>
                ))}
              </>
            )}
          </div>
        }
      />
      {clip.state !== "indexed" && (
        <div className={`notice ${clip.state === "failed" ? "notice-red" : "notice-amber"}`} style={{ marginBottom: 12 }}>
          {clip.state === "failed" ? `${t("player.failed")}: ${name({ name_vi: clip.error, name_en: clip.error_en })}` : t("player.notIndexed")}
        </div>
      )}
      {flash && (
        <div className="notice notice-green" style={{ marginBottom: 12 }} role="status" data-testid="tag-flash">
          ● {t("player.newTag", { name: flash.by })}
        </div>
      )}
      <div className="player-layout">
        <div>
          <div className="video-box">
            {playback.data ? (
              <video
                ref={videoRef}
                src={playback.data.url}
                poster={tl?.poster_url ?? undefined}
                preload="metadata"
                playsInline
                onTimeUpdate={(e) => setTime(e.currentTarget.currentTime)}
                onSeeked={(e) => setTime(e.currentTarget.currentTime)}
                onPlay={(e) => {
                  setPlaying(true);
                  playedFrom.current = e.currentTarget.currentTime;
                }}
                onPause={() => {
                  setPlaying(false);
                  flushCoverage();
                }}
                onSeeking={() => {
                  const v = videoRef.current;
                  if (v && playedFrom.current !== null && !v.paused) {
                    pending.current.push([round(playedFrom.current), round(Math.max(playedFrom.current, time))]);
                    playedFrom.current = v.currentTime;
                  }
                }}
                onEnded={() => flushCoverage()}
                data-testid="video"
              />
            ) : (
              <div className="reason-gate" style={tl?.poster_url ? { backgroundImage: `linear-gradient(rgba(7,20,45,.7), rgba(7,20,45,.85)), url("${tl.poster_url}")` } : undefined}>
                <h3>{t("player.reasonTitle")}</h3>
                <p>{t("player.reasonHint")}</p>
                <select value={reason} onChange={(e) => setReason(e.target.value)} aria-label={t("player.reasonTitle")}>
                  {REASONS.map((r) => <option key={r} value={r}>{t(`player.reason.${r}`)}</option>)}
                </select>
                <ActionButton type="button" className="btn btn-primary" why={playback.isPending && t("why.busy")} onClick={() => { sessionStorage.setItem(REASON_KEY, reason); playback.mutate(); }} data-testid="open-video">
                  <Icon name="play" /> {t("player.open")}
                </ActionButton>
                {playback.isError && <InlineError error={playback.error} />}
              </div>
            )}
            <div className="video-overlay">
              <span className="badge">{fmtTime(new Date(new Date(clip.started_at ?? 0).getTime() + time * 1000))}</span>
            </div>
          </div>
          <div className="controls">
            <ActionButton type="button" className="btn btn-primary btn-sm" onClick={togglePlay} why={!playback.data && t("why.openVideoFirst")} data-testid="play">
              {playing ? <><Icon name="pause" /> {t("player.pause")}</> : <><Icon name="play" /> {t("player.play")}</>}
            </ActionButton>
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => seek(time - 5)} title="J / ←">−5s</button>
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => seek(time + 5)} title="L / →">+5s</button>
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => { const n = eventStarts.find((s) => s > time + 0.25); if (n !== undefined) seek(n); }} title="N">
              {t("player.nextEvent")} <Icon name="next" />
            </button>
            <span className="time" data-testid="time">{fmtSeconds(time)} / {fmtClock(duration)}</span>
            <span className="grow" />
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => setSelection({ start: time, end: selection.end !== null && selection.end > time ? selection.end : null })} title="I">[ {t("player.markIn")}</button>
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => setSelection({ start: selection.start !== null && selection.start < time ? selection.start : Math.max(0, time - 5), end: time })} title="O">{t("player.markOut")} ]</button>
            <ActionButton type="button" className="btn btn-primary btn-sm" why={!hasSel && t("why.selectRange")} onClick={() => setTagOpen(true)} data-testid="tag-open" title="T">
              <Icon name="tag" /> {t("player.tagRange")}
            </ActionButton>
          </div>
          {tlQ.isError ? (
            <ErrorState error={tlQ.error} onRetry={() => tlQ.refetch()} />
          ) : (
            <Timeline
              duration={duration}
              time={time}
              activity={tl?.activity ?? []}
              events={events}
              tags={tags}
              selection={selection}
              viewers={viewers}
              sprites={sprites}
              spriteUrl={tl?.sprite_url}
              onSeek={seek}
              onSelect={setSelection}
              onTagClick={(tag) => { seek(tag.start_s); setSelection({ start: tag.start_s, end: tag.end_s }); }}
            />
          )}
          <div className="legend">
            <span><i style={{ background: "rgba(37,99,214,.4)" }} />{t("player.activity")}</span>
            {["presence", "unattended", "officer_absent", "tamper"].map((k) => <span key={k}><i style={{ background: EVENT_COLORS[k] }} />{t(`event.${k}`)}</span>)}
            <span><i style={{ background: "#f5c518" }} />{t("player.legendTag")}</span>
            <span><i style={{ background: "rgba(11,61,145,.3)", border: "1px solid #0b3d91" }} />{t("player.legendSelection")}</span>
          </div>
          <p className="small muted" data-testid="selection-text">
            {hasSel ? t("player.selection", { from: fmtSeconds(selection.start), to: fmtSeconds(selection.end), len: fmtDuration(selection.end! - selection.start!) }) : t("player.noSelection")}
          </p>
          {clip.sha256 && <p className="small muted">{t("player.hash")}: <code>{clip.sha256}</code></p>}
          {playback.data && <p className="small muted">{t("player.urlExpires", { time: fmtTime(playback.data.expires_at) })}</p>}
          {coverageQ.data?.all.share !== null && coverageQ.data?.all.share !== undefined && (
            <p className="small muted" data-testid="coverage">{t("player.coverage", { pct: Math.round(coverageQ.data.all.share * 100) })}</p>
          )}
        </div>
        <aside>
          <Card title={`${t("player.tags")} (${tags.length})`}>
            {tags.length === 0 ? (
              <p className="muted small">{t("player.noTags")}</p>
            ) : (
              <div data-testid="tag-list">
                {tags.map((tag) => (
                  <div key={tag.id} className={`tag-item ${flash?.id === tag.id ? "flash" : ""}`} data-testid={`tag-${tag.id}`}>
                    <div className="row" style={{ justifyContent: "space-between" }}>
                      {canExport ? (
                        <label className="row" style={{ gap: 6 }}>
                          <input type="checkbox" checked={picked.has(tag.id)} onChange={() => togglePick(tag.id)} data-testid={`tag-pick-${tag.id}`} />
                          <strong>{name(tag.label)}</strong>
                        </label>
                      ) : (
                        <strong>{name(tag.label)}</strong>
                      )}
                      <button type="button" className="btn btn-ghost btn-sm" onClick={() => seek(tag.start_s)} title={`${fmtSeconds(tag.start_s)} – ${fmtSeconds(tag.end_s)} (${fmtDuration(tag.end_s - tag.start_s)} ${t("player.seconds")})`}>
                        {clip.started_at ? `${fmtTime(clipInstant(clip.started_at, tag.start_s))} – ${fmtTime(clipInstant(clip.started_at, tag.end_s))}` : `${fmtSeconds(tag.start_s)} – ${fmtSeconds(tag.end_s)}`}
                      </button>
                    </div>
                    {tag.note && <div className="small">{tag.note}</div>}
                    <TagEvidenceOf findings={tag.findings} />
                    <div className="row" style={{ justifyContent: "space-between", marginTop: 4 }}>
                      <span className="muted small">{tag.author.name} · {fmtDateTimeSeconds(tag.created_at)}</span>
                      {me?.role !== "disciplinary" && (
                        <button type="button" className="btn btn-ghost btn-sm" onClick={() => setLinkTag(tag)}><Icon name="link" /> {t("player.linkFinding")}</button>
                      )}
                    </div>
                  </div>
                ))}
              </div>
            )}
          </Card>
          <PackagesCard
            owner={{ clip: clipId }}
            canExport={canExport}
            exportDisabledReason={pickedIds.length === 0 ? t("pkg.selectHint") : undefined}
            onExport={() => setExportOpen(true)}
            exportLabel={pickedIds.length ? t("pkg.exportSelected", { count: pickedIds.length }) : undefined}
          />
          <Card title={`${t("player.events")} (${events.length})`}>
            {tlQ.isPending ? (
              <Spinner />
            ) : events.length === 0 ? (
              <p className="muted small">{t("player.noEvents")}</p>
            ) : (
              <div style={{ maxHeight: 260, overflowY: "auto" }}>
                {events.map((ev) => (
                  <div key={ev.id} className="event-row" onClick={() => seek(ev.start_s)} role="button" tabIndex={0} onKeyDown={(e) => e.key === "Enter" && seek(ev.start_s)}>
                    <span className="event-dot" style={{ background: EVENT_COLORS[ev.kind] ?? "#555" }} />
                    <span className="grow">{t(`event.${ev.kind}`, { defaultValue: ev.kind })} <span className="muted small">{zoneName(ev.zone)}</span></span>
                    <span className="mono small">{fmtClock(ev.start_s)}–{fmtClock(ev.end_s)}</span>
                  </div>
                ))}
              </div>
            )}
          </Card>
          <Card title={t("player.shortcuts")}>
            <div className="shortcuts">
              {SHORTCUTS.map((s) => (
                <FragmentRow key={s.action} keys={s.keys} label={t(s.action)} />
              ))}
            </div>
          </Card>
        </aside>
      </div>
      {tagOpen && hasSel && (
        <TagDialog
          range={{ start: selection.start!, end: selection.end! }}
          labels={labelsQ.data?.results ?? []}
          saving={createTag.isPending}
          error={createTag.error}
          onClose={() => setTagOpen(false)}
          onSave={(label, note) => createTag.mutate({ label, note })}
        />
      )}
      {exportOpen && pickedIds.length > 0 && (
        <ExportDialog owner={{ clip: clipId }} tagIds={pickedIds} onClose={() => setExportOpen(false)} onDone={() => setPicked(new Set())} />
      )}
      {linkTag && <LinkFindingDialog tag={linkTag} clip={clip} labels={labelsQ.data?.results ?? []} onClose={() => setLinkTag(null)} />}
      {clip.warnings && clip.warnings.length > 0 && <Badge tone="amber">{clip.warnings.join("; ")}</Badge>}
    </>
  );
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function FragmentRow({ keys, label }: { keys: string[]; label: string }) {
  return (
    <>
      <span>{keys.map((k) => <span key={k} className="kbd" style={{ marginRight: 3 }}>{k}</span>)}</span>
      <span>{label}</span>
    </>
  );
}
