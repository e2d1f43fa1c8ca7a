// A QR code of the room's URL, drawn as inline SVG from uqr's matrix: one
// path of unit squares, so it stays sharp at any size and needs neither a
// canvas nor a data: URL. uqr is loaded the first time a code is shown,
// which keeps it out of the JavaScript every visitor downloads.
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";

function qrPath(data: boolean[][]): string {
  let path = "";
  data.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) path += `M${x} ${y}h1v1h-1z`;
    });
  });
  return path;
}

export function Qr({ text, label }: { text: string; label: string }) {
  const code = useSignal<{ size: number; d: string } | null>(null);
  useEffect(() => {
    let live = true;
    void import("uqr").then(({ encode }) => {
      const qr = encode(text, { ecc: "M", border: 2 });
      if (live) code.value = { size: qr.size, d: qrPath(qr.data) };
    });
    return () => {
      live = false;
    };
  }, [text, code]);
  const c = code.value;
  if (!c) return <div class="qr" role="img" aria-label={label} aria-busy="true" />;
  return (
    <svg
      class="qr"
      viewBox={`0 0 ${c.size} ${c.size}`}
      role="img"
      aria-label={label}
      shape-rendering="crispEdges"
    >
      <rect width={c.size} height={c.size} fill="#fff" />
      <path d={c.d} fill="#000" />
    </svg>
  );
}
