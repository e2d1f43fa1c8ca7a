// The page's entry: sets the document language, then shows the landing page
// or a room, following the route (web/app.ts). The landing page is a lazy
// chunk: most visitors come by a room's link and never need it (measured
// with `npm run build` on 2026-12-05: the initial JavaScript went from 35.03
// KiB gzip, over the budget, to 33.93 KiB; the landing chunk is 1.66 KiB);
// a visitor of the landing page gets it before the first render, so
// nothing flashes.
import { render } from "preact";
import { lang, loadStrings, route } from "./app";
import { lazy } from "./ui/lazy";
import { RoomScreen } from "./ui/RoomScreen";
import "./styles.css";

document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";

const landing = lazy(() => import("./ui/Landing"));

function App() {
  const r = route.value;
  if (r.page === "room") return <RoomScreen key={r.room} room={r.room} />;
  const m = landing();
  return m && <m.Landing leftRoom={r.leftRoom} badRoom={r.badRoom} />;
}

// Rendered once the language's words are there (at once in English), and
// on the landing page once it is here.
Promise.all([loadStrings(), route.value.page === "room" ? null : import("./ui/Landing")])
  .then(() => landing())
  .then(() => render(<App />, document.getElementById("app") as HTMLElement));
