// A photo taken for the report: resized on the phone when large, hashed (SHA-256) on the phone so the
// server can verify what it received, stamped with the device time and, when the user allows it, the
// position.
import type { PhotoPayload } from "./store";

export const MAX_EDGE = 1920;
export const RESIZE_OVER_BYTES = 1_500_000;

export async function sha256Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The longest edge at most MAX_EDGE, as JPEG, when the photo is big; small files stay as they are. */
export async function shrinkPhoto(file: File): Promise<{ blob: Blob; name: string; type: string }> {
  if (!file.type.startsWith("image/") || typeof createImageBitmap === "undefined") return { blob: file, name: file.name, type: file.type };
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return { blob: file, name: file.name, type: file.type };
  }
  const scale = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
  if (scale === 1 && file.size <= RESIZE_OVER_BYTES) {
    bitmap.close();
    return { blob: file, name: file.name, type: file.type };
  }
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext("2d")!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
  if (!blob) return { blob: file, name: file.name, type: file.type };
  const base = file.name.replace(/\.[^.]+$/, "") || "anh";
  return { blob, name: `${base}.jpg`, type: "image/jpeg" };
}

export function currentPosition(timeoutMs = 5_000): Promise<GeolocationPosition | null> {
  if (typeof navigator === "undefined" || !navigator.geolocation) return Promise.resolve(null);
  return new Promise((resolve) => {
    const timer = window.setTimeout(() => resolve(null), timeoutMs + 500);
    navigator.geolocation.getCurrentPosition(
      (pos) => { window.clearTimeout(timer); resolve(pos); },
      () => { window.clearTimeout(timer); resolve(null); }, // refused or unavailable: the photo goes without
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 60_000 },
    );
  });
}

export async function preparePhoto(file: File, criterion: string, takenAt: Date = new Date()): Promise<PhotoPayload> {
  const [shrunk, pos] = await Promise.all([shrinkPhoto(file), currentPosition()]);
  return {
    ...shrunk,
    sha256: await sha256Hex(shrunk.blob),
    criterion,
    capturedAt: takenAt.toISOString(),
    latitude: pos ? pos.coords.latitude : null,
    longitude: pos ? pos.coords.longitude : null,
    accuracy: pos ? pos.coords.accuracy : null,
  };
}
