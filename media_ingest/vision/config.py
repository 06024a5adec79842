"""Validated analysis settings (pure: pydantic only).

Every knob has a default that works for a fixed camera over a one-stop counter, and bounds so a
bad value is refused when the config is built, not discovered halfway through a clip.
Times are in seconds of video, fractions are 0..1, luma values are 0..255.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

# Stored on every clip by the Django side. Bump it whenever a change here or in the detectors
# can change the events or the activity series produced for the same file.
ANALYSIS_VERSION = "cw-vision-1"

Fraction = Annotated[float, Field(gt=0.0, le=1.0)]


class AnalysisConfig(BaseModel):
    """Settings of one analysis run. Build with keyword arguments; unknown keys are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # --- analysis frame -----------------------------------------------------------------
    analysis_width: int = Field(
        default=160, ge=96, le=480, description="width in px of the small luma frame the detectors see"
    )
    analysis_fps: float = Field(
        default=10.0,
        ge=1.0,
        le=60.0,
        description="at most this many frames per second are analysed",
    )
    skip_nonref_frames: bool = Field(
        default=True,
        description="when the source has at least twice analysis_fps and no proxy is made, the decoder "
        "skips non-reference frames and the loop filter (all frames are decoded again as soon as the "
        "ones left come further apart than the analysis period)",
    )

    # --- background model / presence ---------------------------------------------------
    bg_learning_rate: float = Field(
        default=0.05,
        gt=0.0,
        le=0.5,
        description="share of the background model replaced per second where the scene is "
        "background; foreground pixels are never learnt, so a still person stays present",
    )
    fg_threshold: int = Field(
        default=22, ge=5, le=120, description="luma difference from the background that is foreground"
    )
    occupied_fraction: Fraction = Field(
        default=0.06, description="a zone is occupied when this share of its area is foreground"
    )
    zone_occupied_fraction: dict[str, Fraction] = Field(
        default_factory=dict, description="per-zone override of occupied_fraction, by zone name"
    )
    release_ratio: float = Field(
        default=0.6,
        ge=0.2,
        le=1.0,
        description="hysteresis: an occupied zone is released below occupied_fraction * this",
    )
    presence_min_duration_s: float = Field(
        default=1.0, ge=0.0, le=60.0, description="shorter presence runs are dropped"
    )
    presence_gap_merge_s: float = Field(
        default=2.0, ge=0.0, le=60.0, description="presence runs separated by less are merged"
    )
    ghost_check_interval_s: float = Field(
        default=1.0,
        ge=0.05,
        le=10.0,
        description="how often foreground blobs are checked for 'ghosts' (something that was "
        "in the first frame and left: the background, not the frame, holds its edges)",
    )
    ghost_edge_ratio: float = Field(
        default=1.4, ge=1.05, le=5.0, description="background edges / frame edges above this = ghost"
    )
    absorb_after_s: float = Field(
        default=900.0,
        ge=30.0,
        le=86400.0,
        description="a pixel foreground without interruption this long joins the background "
        "(a moved chair); a person standing still is present for up to this long",
    )

    # --- rules on zones ---------------------------------------------------------------
    officer_zone: str = Field(default="officer", min_length=1, max_length=64)
    citizen_zone: str = Field(default="citizen", min_length=1, max_length=64)
    unattended_after_s: float = Field(
        default=20.0, ge=1.0, le=3600.0, description="N: citizen present, officer away, for at least N s"
    )
    officer_absent_after_s: float = Field(
        default=60.0, ge=1.0, le=86400.0, description="M: officer zone empty for at least M s"
    )
    rule_gap_merge_s: float = Field(
        default=1.0, ge=0.0, le=60.0, description="gap merge for unattended / officer_absent runs"
    )

    # --- activity ------------------------------------------------------------------------
    activity_threshold: int = Field(
        default=12, ge=2, le=120, description="luma change between analysed frames counted as activity"
    )

    # --- tamper --------------------------------------------------------------------------
    dark_mean: float = Field(default=24.0, ge=0.0, le=128.0, description="mean luma below this = lens covered / black")
    flat_std: float = Field(
        default=6.0, ge=0.0, le=64.0, description="luma std below this = uniform image, lens covered"
    )
    blur_ratio: Fraction = Field(
        default=0.6,
        description="sharpness (Laplacian / gradient energy, independent of how much is in the "
        "picture) below this share of its running baseline = blurred/smeared",
    )
    blur_min_gradient: float = Field(
        default=2.0,
        ge=0.0,
        le=255.0,
        description="pictures with less mean gradient than this are too flat to judge blur",
    )
    focus_baseline_rate: float = Field(
        default=0.02, gt=0.0, le=1.0, description="share of the sharpness baseline updated per second"
    )
    moved_fraction: Fraction = Field(
        default=0.25,
        description="share of the frame differing from the background that is checked for a moved view",
    )
    moved_edge_loss: Fraction = Field(
        default=0.5, description="share of the reference view's strong edges gone = view moved"
    )
    moved_max_activity: float = Field(
        default=0.15,
        ge=0.0,
        le=1.0,
        description="a moved view is steady: above this frame-to-frame activity it is a crowd",
    )
    relight_min_mean_shift: float = Field(
        default=8.0, ge=0.0, le=128.0, description="mean luma shift needed to call it a lighting change"
    )
    moved_rebaseline_s: float = Field(
        default=60.0,
        ge=5.0,
        le=3600.0,
        description="a moved view that stays this long becomes the new reference view",
    )
    tamper_min_duration_s: float = Field(default=2.0, ge=0.5, le=60.0)
    tamper_gap_merge_s: float = Field(default=0.5, ge=0.0, le=30.0)

    # --- derivatives -----------------------------------------------------------------------
    sprite_interval_s: float = Field(default=5.0, ge=0.5, le=600.0, description="one tile every K s")
    sprite_max_tiles: int = Field(
        default=400, ge=1, le=2000, description="longer clips space the tiles out to stay below this"
    )
    sprite_columns: int = Field(default=10, ge=1, le=50)
    sprite_tile_width: int = Field(default=160, ge=32, le=640)
    thumbnail_width: int = Field(default=320, ge=32, le=1920)
    poster_width: int = Field(default=1280, ge=64, le=3840, description="poster is never upscaled")
    poster_at_s: float = Field(
        default=2.0, ge=0.0, le=3600.0, description="poster time, capped to the middle of the clip"
    )
    jpeg_quality: int = Field(default=82, ge=30, le=100)
    proxy_max_width: int = Field(default=1280, ge=160, le=3840)
    proxy_crf: int = Field(default=23, ge=0, le=51)
    proxy_preset: str = Field(
        default="veryfast",
        pattern=r"^(ultrafast|superfast|veryfast|faster|fast|medium|slow|slower|veryslow)$",
    )

    @model_validator(mode="after")
    def _zone_names_differ(self) -> AnalysisConfig:
        if self.officer_zone == self.citizen_zone:
            raise ValueError("officer_zone and citizen_zone must be different zone names")
        return self

    def occupied_for(self, zone: str) -> float:
        """Occupied fraction threshold of one zone (override or default)."""
        return self.zone_occupied_fraction.get(zone, self.occupied_fraction)
