import { Suspense } from "react";
import { act, render, screen } from "@testing-library/react";
import { lazyPage } from "./lazyPage";

function Page({ name }: { name: string }) {
  return <p>page {name}</p>;
}

test("a page whose code was fetched beforehand renders at once, without the Suspense fallback", async () => {
  const Preloaded = lazyPage(() => Promise.resolve({ default: Page }));
  await Preloaded.preload();
  render(
    <Suspense fallback={<p>waiting</p>}>
      <Preloaded name="A" />
    </Suspense>,
  );
  // synchronously on screen: no fallback was ever committed (React holds a revealed fallback ~300 ms)
  expect(screen.getByText("page A")).toBeInTheDocument();
  expect(screen.queryByText("waiting")).not.toBeInTheDocument();
});

test("a page not fetched yet suspends as React.lazy does, and loads its code once", async () => {
  let calls = 0;
  const Later = lazyPage(() => {
    calls += 1;
    return Promise.resolve({ default: Page });
  });
  render(
    <Suspense fallback={<p>waiting</p>}>
      <Later name="B" />
    </Suspense>,
  );
  expect(screen.getByText("waiting")).toBeInTheDocument();
  expect(await screen.findByText("page B", {}, { timeout: 3000 })).toBeInTheDocument();
  await act(() => Later.preload());
  expect(calls).toBe(1);
});
