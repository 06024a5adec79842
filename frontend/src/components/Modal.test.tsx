import { fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { Modal } from "./ui";

function Opener({ withField = true }: { withField?: boolean }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState("");
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>Mở hộp thoại</button>
      {open && (
        <Modal title="Lý do" onClose={() => setOpen(false)} footer={<button type="button" onClick={() => setOpen(false)}>Lưu</button>}>
          {withField ? (
            <>
              <label>Lý do <input name="reason" value={text} onChange={(e) => setText(e.target.value)} /></label>
              <label>Ghi chú <textarea name="note" /></label>
            </>
          ) : (
            <p>Đồng chí có chắc chắn?</p>
          )}
        </Modal>
      )}
    </>
  );
}

describe("Modal focus", () => {
  it("opens on the first field, not on the × close button", () => {
    render(<Opener />);
    fireEvent.click(screen.getByText("Mở hộp thoại"));
    expect(document.activeElement).toBe(screen.getByRole("dialog").querySelector("input[name=reason]"));
  });

  it("keeps focus in the field while typing (the parent re-renders with a new onClose)", () => {
    render(<Opener />);
    fireEvent.click(screen.getByText("Mở hộp thoại"));
    const note = screen.getByRole("dialog").querySelector("textarea")!;
    note.focus();
    fireEvent.change(screen.getByRole("dialog").querySelector("input[name=reason]")!, { target: { value: "a" } });
    expect(document.activeElement).toBe(note);
  });

  it("with no field, focuses the content rather than the close button", () => {
    render(<Opener withField={false} />);
    fireEvent.click(screen.getByText("Mở hộp thoại"));
    expect(document.activeElement).toBe(screen.getByRole("dialog").querySelector(".modal-body"));
  });

  it("traps Tab inside the dialog, both ways", () => {
    render(<Opener />);
    fireEvent.click(screen.getByText("Mở hộp thoại"));
    const dialog = screen.getByRole("dialog");
    const save = screen.getByText("Lưu");
    save.focus();
    fireEvent.keyDown(window, { key: "Tab" });
    expect(document.activeElement).toBe(dialog.querySelector("button[aria-label]"));
    fireEvent.keyDown(window, { key: "Tab", shiftKey: true });
    expect(document.activeElement).toBe(save);
  });

  it("gives focus back to the opener when it closes", () => {
    render(<Opener />);
    const opener = screen.getByText("Mở hộp thoại");
    opener.focus();
    fireEvent.click(opener);
    fireEvent.keyDown(window, { key: "Escape" });
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.activeElement).toBe(opener);
  });
});
