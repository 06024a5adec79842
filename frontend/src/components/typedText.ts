import { useTranslation } from "react-i18next";
import { nameProblem, reasonProblem, type TextProblem } from "./reasonRule";

/** The server's message for what it would refuse in a typed name or reason, in the reader's language, or null. */
export function useTypedTextError(): { name: (text: string) => string | null; reason: (text: string) => string | null } {
  const { t } = useTranslation();
  const say = (p: TextProblem | null) => (p ? t(p.key, { letters: p.letters }) : null);
  return { name: (text) => say(nameProblem(text)), reason: (text) => say(reasonProblem(text)) };
}
