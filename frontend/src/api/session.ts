// Ending the session on the server. Signing out on a phone with no network only wipes the device:
// the server still holds the session, so whoever reopens the app online would be signed in. A logout
// the server has not confirmed stays pending on the device and is sent as soon as the network is back
// (and before anything else asks who is signed in).
import { ApiError, api } from "./client";

const PENDING = "cw.logoutPending";

export function logoutPending(): boolean {
  return localStorage.getItem(PENDING) !== null;
}

/** Ask the server to end the session; without an answer, remember to ask again. */
export async function serverLogout(): Promise<void> {
  localStorage.setItem(PENDING, "1");
  try {
    await api.post("/api/auth/logout/");
  } catch (e) {
    // 401: there is no session left to end; any other answer (or none) is tried again later
    if (!(e instanceof ApiError && e.status === 401)) return;
  }
  localStorage.removeItem(PENDING);
}

/** Send a logout left pending by an offline sign-out; true while it is still pending. */
export async function finishPendingLogout(): Promise<boolean> {
  if (logoutPending()) await serverLogout();
  return logoutPending();
}

/** Retry the pending logout whenever the browser comes back online. */
export function watchPendingLogout(): () => void {
  const retry = () => void finishPendingLogout();
  window.addEventListener("online", retry);
  return () => window.removeEventListener("online", retry);
}
