import { act, render, screen } from "@testing-library/react";
import { afterEach, expect, test, vi } from "vitest";
import { ConnectionIndicator } from "./Layout";

vi.mock("../api/ws", () => ({ useWsStatus: () => "open" }));

afterEach(() => vi.restoreAllMocks());

test("the live dot is not green without a network, whatever the socket last said", () => {
  const onLine = vi.spyOn(navigator, "onLine", "get").mockReturnValue(true);
  render(<ConnectionIndicator />);
  expect(screen.getByTestId("ws-status")).toHaveAttribute("data-status", "open");
  onLine.mockReturnValue(false);
  act(() => { window.dispatchEvent(new Event("offline")); });
  expect(screen.getByTestId("ws-status")).toHaveAttribute("data-status", "closed");
  expect(screen.getByTestId("ws-status")).toHaveTextContent("Mất kết nối");
});
