// Line icons drawn inline (no icon font, no emoji: kiosk and server fonts lack them).
const PATHS: Record<string, string> = {
  clip: "M21 11.5l-8.5 8.5a5 5 0 01-7-7L14 4.5a3.3 3.3 0 014.7 4.7L10.2 17.7a1.7 1.7 0 01-2.4-2.4L15.5 7.6",
  camera: "M4 8h3l2-3h6l2 3h3v11H4zM12 16.5a3.5 3.5 0 100-7 3.5 3.5 0 000 7z",
  warning: "M12 3l10 18H2zM12 10v5M12 18v.5",
  film: "M4 4h16v16H4zM8 4v16M16 4v16M4 9h4M4 15h4M16 9h4M16 15h4",
  link: "M10 14a4 4 0 005.7 0l3-3a4 4 0 00-5.7-5.7l-1 1M14 10a4 4 0 00-5.7 0l-3 3a4 4 0 005.7 5.7l1-1",
  tag: "M3 12V4h8l10 10-8 8zM7.5 8.5v.01",
  doc: "M6 3h8l4 4v14H6zM14 3v4h4M9 12h6M9 16h6",
  play: "M7 4l13 8-13 8z",
  pause: "M7 4h4v16H7zM14 4h4v16h-4z",
  next: "M5 4l10 8-10 8zM18 4v16",
  refresh: "M20 11a8 8 0 10-2.3 5.7M20 4v7h-7",
  check: "M4 12l5 5L20 6",
  cross: "M6 6l12 12M18 6L6 18",
};

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 15 }: { name: IconName; size?: number }) {
  const filled = name === "play" || name === "pause" || name === "next";
  return (
    <svg className="icon" width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" style={{ verticalAlign: "-2px", flex: "none" }}>
      <path d={PATHS[name]} fill={filled ? "currentColor" : "none"} stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
