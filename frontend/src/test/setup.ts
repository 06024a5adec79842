import "@testing-library/jest-dom/vitest";
import { afterEach } from "vitest";
import { cleanup } from "@testing-library/react";
import i18n from "../i18n";
import { addWorkspaceStrings } from "../i18n/workspaces";

addWorkspaceStrings(); // components are tested with every string, as a signed-in user has them

afterEach(async () => {
  cleanup();
  localStorage.clear();
  await i18n.changeLanguage("vi");
});
