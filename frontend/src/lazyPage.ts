import { createElement, lazy, type ComponentType } from "react";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyProps = any;
export type PreloadablePage = ComponentType<AnyProps> & { preload: () => Promise<void> };

/**
 * React.lazy whose download can start before React renders it (`preload`). A page whose code has
 * arrived by then renders at once instead of suspending: React keeps a suspended boundary's
 * fallback on screen for at least ~300 ms before revealing the content, a fixed hold that came
 * before the page could even start its data requests.
 */
export function lazyPage(load: () => Promise<{ default: ComponentType<AnyProps> }>): PreloadablePage {
  let loaded: ComponentType<AnyProps> | null = null;
  let pending: Promise<void> | null = null;
  const preload = (): Promise<void> =>
    (pending ??= load().then((m) => {
      loaded = m.default;
    }));
  const Lazy = lazy(() => preload().then(() => ({ default: loaded as ComponentType<AnyProps> })));
  const Page = ((props: AnyProps) => createElement(loaded ?? Lazy, props)) as PreloadablePage;
  Page.preload = preload;
  return Page;
}
