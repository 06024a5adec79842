// The footage answers (media_ingest and media_ingest/review output serializers) and the review websocket's
// presence rows (the `Viewer` component): aliases of api.gen.ts, generated from docs/openapi.yml (npm run gen:types).
import type { components } from "./api.gen";
export type ClipState = components["schemas"]["ClipStateEnum"];

/** GET /api/media/clips/ rows. */
export type Clip = components["schemas"]["ReviewClip"];

/** GET /api/media/clips/{id}/ */
export type ClipDetail = components["schemas"]["ReviewClipDetail"];

export type ClipEvent = components["schemas"]["ReviewClipEvent"];

export type Playback = components["schemas"]["PlaybackIssued"];

export type ClipTimeline = components["schemas"]["ReviewClipTimeline"];

export type TagLabel = components["schemas"]["TagLabelOutput"];

/** GET /api/media/taxonomy/ */
export type Taxonomy = components["schemas"]["TaxonomyList"];

/** GET /api/media/clips/{id}/coverage/: how much of the clip its reviewers watched. */
export type ClipCoverage = components["schemas"]["ClipCoverage"];

/** One model for a finding's evidence (issue 17): a tag, a file, a check report's photo or a note (the report's
 *  photos themselves are still uploaded to the check report, a model of their own: docs/architecture.md). */
export type EvidenceItem = components["schemas"]["EvidenceItemOutput"];

export type Tag = components["schemas"]["TagOutput"];

export type TagFinding = components["schemas"]["TagFinding"];

/** Someone viewing the clip: a row of the review websocket's `presence` message (docs/websocket.md). */
export type Viewer = components["schemas"]["Viewer"];

/** GET /api/media/moments/ rows: a complaint or a rating, and the footage around it. */
export type Moment = components["schemas"]["Moment"];

export type IngestClip = components["schemas"]["IngestClipOutput"];

export type IngestStatus = components["schemas"]["IngestStatus"];

/** One Celery queue in the scaled mode (backend.core.jobs.pool_status). */
export type JobQueue = components["schemas"]["JobQueue"];

export type RetentionClip = components["schemas"]["RetentionClip"];

/** GET /api/media/retention/ — the dry-run report. */
export type RetentionReport = components["schemas"]["RetentionReport"];

// Evidence packages and the chain of custody (media_ingest/review: package_to_dict, access_to_dict).
export type PackageState = components["schemas"]["EvidencePackageStateEnum"];

export type EvidencePackage = components["schemas"]["EvidencePackageOutput"];

export type PackageVerifyReport = components["schemas"]["PackageVerifyReport"];

/** POST /api/media/evidence/packages/{id}/download/: a short-lived signed link and the file's digest. */
export type PackageDownload = components["schemas"]["PackageDownloadIssued"];

export type CustodyEntry = components["schemas"]["CustodyEntry"];


/** A correction of a clip's camera or start time under the two-person rule (GET /api/media/remap-requests/). */
export type ClipRemapRequest = components["schemas"]["ClipRemapRequestOutput"];
/** One hold shown to the lead deciding a correction: the server's words, a finding named by reference. */
export type RemapHold = components["schemas"]["RemapHold"];
