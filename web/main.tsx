// The page's entry: sets the document language, then shows the landing page
// or a room, following the route (web/app.ts).
import { render } from "preact";
import { lang, loadStrings, route } from "./app";
import { Landing } from "./ui/Landing";
import { RoomScreen } from "./ui/RoomScreen";
import "./styles.css";

document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";

function App() {
  const r = route.value;
  if (r.page === "room") return <RoomScreen key={r.room} room={r.room} />;
  return <Landing leftRoom={r.leftRoom} badRoom={r.badRoom} />;
}

// Rendered once the language's words are there (at once in English).
loadStrings().then(() => render(<App />, document.getElementById("app") as HTMLElement));
