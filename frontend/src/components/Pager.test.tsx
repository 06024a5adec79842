import { fireEvent, render, screen } from "@testing-library/react";
import { Pager } from "./ui";

describe("Pager", () => {
  it("shows an exact total and the last page", () => {
    render(<Pager page={1} count={120} pageSize={50} onPage={() => undefined} />);
    expect(screen.getByText("Tổng cộng 120")).toBeInTheDocument();
    expect(screen.getByText("1 / 3")).toBeInTheDocument();
  });

  it("says 'more than' when the server stopped counting, and still offers the next page", () => {
    const onPage = vi.fn();
    render(<Pager page={20} count={1001} exact={false} pageSize={50} onPage={onPage} />);
    expect(screen.getByText("Hơn 1.000 kết quả")).toBeInTheDocument();
    expect(screen.getByText("20 / 20+")).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: /Sau/ }));
    expect(onPage).toHaveBeenCalledWith(21);
  });
});
