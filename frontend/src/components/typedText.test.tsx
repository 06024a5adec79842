import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, expect, test, vi } from "vitest";
import i18n from "../i18n";
import { nameProblem, reasonProblem } from "./reasonRule";
import { ConfirmDialog } from "./ui";
import { OfficerDialog } from "../pages/org/OfficersPage";

// issue 15: the server refuses letters outside the Vietnamese alphabet in names and reasons, and reasons without
// their marks; the web app says so while the text is typed, in the server's own words, before any submit

afterEach(() => vi.unstubAllGlobals());

test("a name with a Cyrillic or umlauted letter is refused as the server does, a Vietnamese name is not", () => {
  expect(nameProblem("Đặng Văn Bình")).toBeNull();
  expect(nameProblem("ĐẶNG VĂN ВÌNН")).toEqual({ key: "text.nameForeign", letters: "ВН" });
  const p = nameProblem("Đặng Vän Bình");
  expect(p?.letters).toBe("ä");
  expect(i18n.t(p!.key, { letters: p!.letters })).toBe(
    "Họ tên có chữ cái không thuộc bảng chữ cái tiếng Việt (ä): hãy gõ lại bằng bàn phím tiếng Việt.");
});

test("a reason must be in the Vietnamese alphabet and, once a few words are typed, carry its marks", () => {
  expect(reasonProblem("Cán bộ đã nghỉ phép theo quyết định của đơn vị")).toBeNull();
  expect(reasonProblem("")).toBeNull();
  expect(reasonProblem("Кhông сó lý do")?.key).toBe("text.reasonForeign");
  expect(reasonProblem("can bo da nghi phep theo quyet dinh")?.key).toBe("text.reasonNoMarks");
  expect(reasonProblem("the officer was on leave")?.key).toBe("text.reasonNoMarks");
  expect(reasonProblem("Cán bộ")).toBeNull(); // still being typed: the button's "reason needed" speaks
});

test("the officer form says what the server would refuse in the name and holds the save", () => {
  const fetchMock = vi.fn(async () => new Response("{}", { status: 201, headers: { "Content-Type": "application/json" } }));
  vi.stubGlobal("fetch", fetchMock);
  render(
    <QueryClientProvider client={new QueryClient()}>
      <OfficerDialog onClose={vi.fn()} onSaved={vi.fn()} />
    </QueryClientProvider>,
  );
  const dialog = screen.getByRole("dialog");
  fireEvent.change(dialog.querySelector('input[name="service_number"]')!, { target: { value: "F-123" } });
  fireEvent.change(dialog.querySelector('input[name="full_name"]')!, { target: { value: "Nguyễn Văn Аn" } }); // Cyrillic А
  expect(within(dialog).getByTestId("field-error")).toHaveTextContent("Họ tên có chữ cái không thuộc bảng chữ cái tiếng Việt (А)");
  const save = within(dialog).getByTestId("officer-save");
  expect(save).toBeDisabled();
  fireEvent.click(save);
  expect(fetchMock).not.toHaveBeenCalled();
  fireEvent.change(dialog.querySelector('input[name="full_name"]')!, { target: { value: "Nguyễn Văn An" } });
  expect(within(dialog).queryByTestId("field-error")).toBeNull();
  expect(save).toBeEnabled();
});

test("a reason typed without marks is refused in the dialog before it is sent", () => {
  const onConfirm = vi.fn();
  render(<ConfirmDialog title="Hủy" reasonLabel="Lý do" onConfirm={onConfirm} onClose={vi.fn()} />);
  const box = screen.getByTestId("confirm-reason");
  fireEvent.change(box, { target: { value: "can bo da nghi phep theo quyet dinh" } });
  expect(screen.getByTestId("field-error")).toHaveTextContent("Lý do phải được viết thành lời bằng tiếng Việt có dấu.");
  fireEvent.click(screen.getByTestId("confirm-ok"));
  expect(onConfirm).not.toHaveBeenCalled();
  fireEvent.change(box, { target: { value: "Cán bộ đã nghỉ phép theo quyết định của đơn vị" } });
  expect(screen.queryByTestId("field-error")).toBeNull();
  fireEvent.click(screen.getByTestId("confirm-ok"));
  expect(onConfirm).toHaveBeenCalledWith("Cán bộ đã nghỉ phép theo quyết định của đơn vị");
});
