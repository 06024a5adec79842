import { useId, type ButtonHTMLAttributes } from "react";

/** A button that, when it cannot be used, says why: the reason is its tooltip and, for screen
 *  readers, its description (aria-describedby). A disabled button without a reason is a dead end. */
export function ActionButton({ why, children, disabled, title, type = "button", ...rest }: ButtonHTMLAttributes<HTMLButtonElement> & { why?: string | null | false }) {
  const id = useId();
  const reason = why || null;
  return (
    <>
      <button {...rest} type={type} disabled={disabled || Boolean(reason)} title={reason ?? title} aria-describedby={reason ? id : undefined}>
        {children}
      </button>
      {reason && <span id={id} className="sr-only">{reason}</span>}
    </>
  );
}
