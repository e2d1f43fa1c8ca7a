// The roomchat mark: two speech bubbles, drawn in the page's colours (the
// classes logo-a and logo-b), on the landing page and in a room's header.
// Its own module so that the room screen does not pull in the landing page.

/** Two speech bubbles: the page's only picture, drawn inline so it needs no request. */
export function Logo() {
  return (
    <svg class="logo" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect x="2" y="5" width="20" height="15" rx="4" class="logo-a" />
      <path d="M7 20 L7 25 L12 20 Z" class="logo-a" />
      <rect x="12" y="11" width="18" height="13" rx="4" class="logo-b" />
      <path d="M25 24 L25 28 L21 24 Z" class="logo-b" />
    </svg>
  );
}
