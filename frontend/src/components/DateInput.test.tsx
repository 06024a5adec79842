import { fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { DateInput, DateTimeInput, dmyToIso, normalizeTime, useDateValidity } from "./DateInput";
import { fmtDate, fmtDateTime, fromLocalInput, toLocalInput } from "./format";

describe("Vietnamese dates", () => {
  it("reads dd/mm/yyyy and refuses days that do not exist", () => {
    expect(dmyToIso("25/11/2026")).toBe("2026-11-25");
    expect(dmyToIso("5/3/2025")).toBe("2025-03-05");
    expect(dmyToIso("29/02/2026")).toBeNull();
    expect(dmyToIso("11/25/2026")).toBeNull();
    expect(normalizeTime("9:05")).toBe("09:05");
    expect(normalizeTime("24:00")).toBeNull();
  });

  it("shows instants in Hanoi time whatever the machine's zone", () => {
    expect(fmtDateTime("2026-11-25T02:05:00Z")).toBe("25/11/2026 09:05");
    expect(fmtDateTime("2026-11-25T17:30:00Z")).toBe("26/11/2026 00:30");
    expect(fmtDate("2026-03-01")).toBe("01/03/2026");
    expect(toLocalInput("2026-11-25T17:30:00Z")).toBe("2026-11-26T00:30");
    expect(fromLocalInput("2026-11-26T00:30")).toBe("2026-11-26T00:30:00+07:00");
  });

  it("hands ISO dates to the page and marks bad input", () => {
    const onChange = vi.fn();
    render(<DateInput value="" onChange={onChange} aria-label="từ ngày" />);
    const input = screen.getByLabelText("từ ngày");
    fireEvent.change(input, { target: { value: "31/12/2026" } });
    expect(onChange).toHaveBeenLastCalledWith("2026-12-31");
    fireEvent.change(input, { target: { value: "31/02/2026" } });
    expect(input).toHaveAttribute("aria-invalid", "true");
    // The form no longer holds the last good day: a save or preview cannot use 31/12 for it.
    expect(onChange).toHaveBeenLastCalledWith("");
    expect(input).toHaveValue("31/02/2026");
  });

  it("tells its form that a non-existent day was typed, and keeps what was typed when the form takes the empty value", () => {
    function Form() {
      const [on, setOn] = useState("2026-11-30");
      const dates = useDateValidity();
      return (<>
        <DateInput value={on} onChange={setOn} onValidity={dates.bind("on")} aria-label="ngày" />
        <span data-testid="state">{`${on}|${dates.bad}`}</span>
      </>);
    }
    render(<Form />);
    const input = screen.getByLabelText("ngày");
    expect(screen.getByTestId("state")).toHaveTextContent("2026-11-30|false");
    fireEvent.change(input, { target: { value: "31/02/2027" } });
    expect(screen.getByTestId("state")).toHaveTextContent("|true");
    expect(screen.getByTestId("state").textContent).toBe("|true");
    expect(input).toHaveValue("31/02/2027");
    expect(screen.getByTestId("date-problem")).toHaveTextContent("Ngày 31/02/2027 không có thật");
    fireEvent.change(input, { target: { value: "28/02/2027" } });
    expect(screen.getByTestId("state").textContent).toBe("2027-02-28|false");
  });

  it("accepts the date typed from the keyboard without slashes or zero padding", () => {
    expect(dmyToIso("01072025")).toBe("2025-07-01");
    expect(dmyToIso("1-7-2025")).toBe("2025-07-01");
    expect(dmyToIso("31022025")).toBeNull();
    const onChange = vi.fn();
    render(<DateInput value="" onChange={onChange} aria-label="ngày hiệu lực" />);
    const input = screen.getByLabelText("ngày hiệu lực");
    fireEvent.change(input, { target: { value: "01072025" } });
    expect(onChange).toHaveBeenLastCalledWith("2025-07-01");
    expect(input).toHaveValue("01/07/2025");
    expect(input).toHaveAttribute("aria-invalid", "false");
    fireEvent.change(input, { target: { value: "1/7/2025" } });
    expect(input).toHaveValue("01/07/2025");
  });

  it("says under the field that a typed day does not exist, and asks for dd/mm/yyyy once the field is left", () => {
    render(<DateInput value="" onChange={vi.fn()} aria-label="từ ngày" />);
    const input = screen.getByLabelText("từ ngày");
    fireEvent.change(input, { target: { value: "31/02/2026" } });
    expect(screen.getByTestId("date-problem")).toHaveTextContent("Ngày 31/02/2026 không có thật");
    expect(input).toHaveAccessibleDescription("Ngày 31/02/2026 không có thật");
    fireEvent.change(input, { target: { value: "31/0" } });
    expect(screen.queryByTestId("date-problem")).toBeNull(); // still typing
    fireEvent.blur(input);
    expect(screen.getByTestId("date-problem")).toHaveTextContent("dd/mm/yyyy");
    fireEvent.change(input, { target: { value: "28/02/2026" } });
    expect(screen.queryByTestId("date-problem")).toBeNull();
  });
});

describe("date and time fields tell their form", () => {
  it("a non-existent day or an hour past 23:59 in a date-time field marks the form's dates bad", () => {
    function Form() {
      const [at, setAt] = useState("2026-11-30T08:00");
      const dates = useDateValidity();
      return (<>
        <DateTimeInput value={at} onChange={setAt} onValidity={dates.bind("at")} name="at" />
        <span data-testid="state">{`${at}|${dates.bad}`}</span>
      </>);
    }
    const { container } = render(<Form />);
    const day = container.querySelector('input[name="at_date"]') as HTMLInputElement;
    const time = container.querySelector('input[name="at_time"]') as HTMLInputElement;
    fireEvent.change(day, { target: { value: "31/02/2027" } });
    expect(screen.getByTestId("state").textContent).toBe("|true");
    fireEvent.change(day, { target: { value: "28/02/2027" } });
    expect(screen.getByTestId("state").textContent).toBe("2027-02-28T08:00|false");
    fireEvent.change(time, { target: { value: "25:00" } });
    expect(screen.getByTestId("state").textContent).toBe("2027-02-28T08:00|true");
  });
});

describe("a date field that goes away", () => {
  it("no longer holds its form back", () => {
    function Form() {
      const [shown, setShown] = useState(true);
      const [on, setOn] = useState("");
      const dates = useDateValidity();
      return (<>
        {shown && <DateInput value={on} onChange={setOn} onValidity={dates.bind("on")} aria-label="ngày" />}
        <button type="button" onClick={() => setShown(false)}>ẩn</button>
        <span data-testid="state">{String(dates.bad)}</span>
      </>);
    }
    render(<Form />);
    fireEvent.change(screen.getByLabelText("ngày"), { target: { value: "31/02/2027" } });
    expect(screen.getByTestId("state").textContent).toBe("true");
    fireEvent.click(screen.getByRole("button", { name: "ẩn" }));
    expect(screen.getByTestId("state").textContent).toBe("false");
  });
});
