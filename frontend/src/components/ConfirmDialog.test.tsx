/// <reference types="vite/client" />
import { fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { expect, test, vi } from "vitest";
import { ConfirmDialog, Modal } from "./ui";

/** Every source file of the app, as text (not its tests). */
const SOURCES = import.meta.glob(["../**/*.ts", "../**/*.tsx", "!../**/*.test.ts", "!../**/*.test.tsx"], { query: "?raw", import: "default", eager: true }) as Record<string, string>;

test("no screen asks through the browser's own window.confirm / prompt / alert (English buttons, not the app's dialog)", () => {
  expect(Object.keys(SOURCES).length).toBeGreaterThan(50);
  const native = Object.entries(SOURCES).filter(([, text]) =>
    /(^|[^.\w])(window\.|globalThis\.)?(confirm|prompt|alert)\(/m.test(
      text.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, "").replace(/function confirm\(/g, ""),
    ));
  expect(native.map(([path]) => path)).toEqual([]);
});

function EditWithQuestion({ onYes }: { onYes: () => void }) {
  const [open, setOpen] = useState(true);
  const [asking, setAsking] = useState(false);
  if (!open) return <p>đã đóng</p>;
  return (
    <>
      <Modal title="Sửa tài khoản" onClose={() => setOpen(false)}>
        <button type="button" onClick={() => setAsking(true)}>Đặt lại</button>
      </Modal>
      {asking && <ConfirmDialog title="Đặt lại xác thực hai lớp" message="Chắc chắn?" onConfirm={() => { setAsking(false); onYes(); }} onClose={() => setAsking(false)} />}
    </>
  );
}

test("a question over a dialog: Escape and Tab belong to the question only; the form underneath stays open", () => {
  const yes = vi.fn();
  render(<EditWithQuestion onYes={yes} />);
  const reset = screen.getByRole("button", { name: "Đặt lại" });
  reset.focus();
  fireEvent.click(reset);
  const question = screen.getByRole("dialog", { name: "Đặt lại xác thực hai lớp" });
  const ok = screen.getByRole("button", { name: "Xác nhận" });
  ok.focus();
  fireEvent.keyDown(window, { key: "Tab" });
  expect(question.contains(document.activeElement)).toBe(true);
  fireEvent.keyDown(window, { key: "Escape" });
  expect(screen.queryByRole("dialog", { name: "Đặt lại xác thực hai lớp" })).toBeNull();
  expect(screen.getByRole("dialog", { name: "Sửa tài khoản" })).toBeInTheDocument();
  expect(document.activeElement).toBe(reset);
  fireEvent.click(reset);
  fireEvent.click(screen.getByRole("button", { name: "Xác nhận" }));
  expect(yes).toHaveBeenCalledTimes(1);
  expect(screen.getByRole("dialog", { name: "Sửa tài khoản" })).toBeInTheDocument();
});
