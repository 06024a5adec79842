// Mirrors media_ingest (ingest) and media_ingest/review output serializers.
import type { components } from "./api.gen";
export type ClipState = "discovered" | "indexing" | "indexed" | "partial" | "failed";

export interface ClipCamera {
  id: number;
  code: string;
  name?: string;
  counter?: { id: number; code?: string; name: string; unit?: { id: number; name: string; code?: string } };
}

export interface Clip {
  id: number;
  key: string;
  camera: ClipCamera | null;
  counter?: { id: number; code: string; name: string } | null;
  unit?: { id: number; code: string; name: string } | null;
  ended_at?: string | null;
  state_label?: string;
  has_proxy?: boolean;
  has_poster?: boolean;
  started_at: string | null;
  duration_s: number | null;
  fps?: number | null;
  width?: number | null;
  height?: number | null;
  codec?: string;
  state: ClipState;
  progress?: number;
  error?: string;
  error_en?: string;
  sha256?: string;
  size_bytes?: number;
  tag_count?: number;
  event_count?: number;
  event_kinds?: string[] | Record<string, number>;
  events_summary?: Record<string, number>;
  poster_url?: string | null;
  unassigned_reason?: string;
  warnings?: string[];
}

export interface ClipDetail extends Clip {
  activity?: number[];
  zones_used?: unknown;
  analysis_version?: string;
  version_id?: string;
}

export interface ClipEvent {
  id: number;
  kind: string;
  zone: string;
  start_s: number;
  end_s: number;
  score: number;
  thumbnail_url?: string | null;
  detail?: Record<string, unknown>;
}

export type Playback = components["schemas"]["PlaybackIssued"];

export type ClipTimeline = components["schemas"]["ReviewClipTimeline"];

export type TagLabel = components["schemas"]["TagLabelOutput"];

/** One model for a finding's evidence (issue 17): a tag, a file, a check report's photo or a note. */
export interface EvidenceItem {
  id: number;
  finding_id: number;
  kind: "tag" | "file" | "report_photo" | "note";
  /** Where it was attached: footage review, or the finding page (listed in the finding's `evidence`). */
  attached_in?: "review" | "finding";
  report_evidence_id?: number | null;
  /** A note's pointer to footage in words (camera, time). */
  media_ref?: string;
  tag_id: number | null;
  clip_id: number | null;
  clip_sha256?: string;
  /** The camera and the clock time of a tagged segment (clip start + offsets). */
  camera?: string | null;
  moment_from?: string | null;
  moment_to?: string | null;
  start_s: number | null;
  end_s: number | null;
  filename: string;
  size_bytes: number | null;
  sha256: string;
  note: string;
  /** Footage outside the finding's period, attached with this reason (issue 15). */
  out_of_period?: boolean;
  out_of_period_reason?: string;
  added_by: { id: number; name: string };
  added_at: string;
}

export interface Tag {
  id: number;
  clip_id: number;
  clip_sha256?: string;
  label: { code: string; name_vi: string; name_en: string };
  start_s: number;
  end_s: number;
  note: string;
  author: { id: number; name: string };
  updated_by?: { id: number; name: string };
  created_at: string;
  updated_at: string;
  revision: number;
  deleted?: boolean;
  /** The findings the tag is evidence of that this reader may open (a draft only for the inspection
   * team). Per reader: API answers only; websocket tag events do not carry it. */
  findings?: TagFinding[];
}

export type TagFinding = components["schemas"]["TagFinding"];

export interface Viewer {
  user_id: number;
  name: string;
  position: number | null;
}

export interface Moment {
  kind: "complaint" | "rating";
  id: number;
  at: string;
  at_local?: string;
  risk: number;
  counter: { id: number; code?: string; name: string };
  unit?: { id: number; code?: string; name: string };
  summary: string;
  detail: Record<string, unknown>;
  footage: {
    available: boolean;
    clip_id?: number | null;
    offset_s?: number;
    clip_state?: string;
    reason?: string;
    reason_vi?: string;
    reason_en?: string;
  };
  /** Live tags on the covering clip near the moment. */
  tags?: { id: number; clip_id: number; label: { code: string; name_vi: string; name_en: string }; start_s: number; end_s: number; note: string; author: { id: number; name: string } }[];
}

export interface IngestClip {
  id: number;
  bucket: string;
  key: string;
  camera: { id: number; code: string } | null;
  unassigned_reason: string;
  started_at: string | null;
  duration_s: number | null;
  state: ClipState;
  progress: number;
  error: string;
  error_en?: string;
  /** the vision package's code of the reason (media_ingest/vision/errors.py), empty otherwise */
  error_code?: string;
  error_params?: Record<string, unknown>;
  warnings: string[];
  attempts: number;
  event_count?: number;
  source: string;
  discovered_at: string;
  indexed_at: string | null;
  size_bytes: number;
}

export interface IngestStatus {
  total: number;
  by_state: Record<string, number>;
  unassigned: number;
  outdated?: number;
  analysis_version: string;
  reconcile: { prefix: string; last_key: string; passes: number; objects_seen: number; clips_created: number; last_run_at: string | null; last_full_pass_at: string | null; last_error: string }[];
  store: { ok: boolean; [k: string]: unknown };
  job_queue: { ok?: boolean; queues?: Record<string, JobQueue>; [k: string]: unknown };
}

/** One Celery queue in the scaled mode (backend.core.jobs.pool_status). */
export interface JobQueue {
  workers: number;
  listening: boolean;
  depth: number | null;
  tasks: string[];
}

export interface RetentionClip {
  id: number;
  key: string;
  camera: string | null;
  started_at: string | null;
  size_bytes: number;
  hold: string[];
}

/** GET /api/media/retention/ — the dry-run report. */
export interface RetentionReport {
  retention_days_default: number;
  footage_bytes: number;
  deletable: RetentionClip[];
  deletable_bytes: number;
  held: RetentionClip[];
  expiring_this_week: number;
  manual_holds: number;
}

// Evidence packages and the chain of custody (media_ingest/review: package_to_dict, access_to_dict).
export type PackageState = "pending" | "building" | "ready" | "failed";

export type EvidencePackage = components["schemas"]["EvidencePackageOutput"];

export type PackageVerifyReport = components["schemas"]["PackageVerifyReport"];

export type CustodyEntry = components["schemas"]["CustodyEntry"];


/** A correction of a clip's camera or start time under the two-person rule (GET /api/media/remap-requests/). */
export type ClipRemapRequest = components["schemas"]["ClipRemapRequestOutput"];
/** One hold shown to the lead deciding a correction: the server's words, a finding named by reference. */
export interface RemapHold { code: string; vi: string; en: string; reference?: string; draft?: boolean; count?: number }
