import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import { SHELL } from "./shell";

export type Lang = "vi" | "en";
export const LANG_KEY = "cw.lang";

function build(idx: 0 | 1): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, pair] of Object.entries(SHELL)) out[key] = pair[idx];
  return out;
}

let workspaces: Promise<void> | null = null;

/** The workspaces' strings (a separate chunk): the sign-in page needs only the shell's. */
export function loadWorkspaceStrings(): Promise<void> {
  workspaces ??= import("./workspaces")
    .then((m) => m.addWorkspaceStrings())
    .catch((e: unknown) => {
      workspaces = null; // a later attempt fetches again
      throw e;
    });
  return workspaces;
}

export function storedLang(): Lang {
  try {
    return localStorage.getItem(LANG_KEY) === "en" ? "en" : "vi";
  } catch {
    return "vi";
  }
}

export function setLang(lang: Lang): void {
  try {
    localStorage.setItem(LANG_KEY, lang);
  } catch {
    /* private mode: the choice lasts for the session */
  }
  document.documentElement.lang = lang;
  void i18n.changeLanguage(lang);
}

if (!i18n.isInitialized) {
  void i18n.use(initReactI18next).init({
    resources: { vi: { translation: build(0) }, en: { translation: build(1) } },
    lng: storedLang(),
    fallbackLng: "vi",
    keySeparator: false,
    nsSeparator: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
}

export default i18n;
