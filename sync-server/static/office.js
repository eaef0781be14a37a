/* The office's pages work without this file; with it, htmx swaps only the
   parts that change and sends the session's CSRF token with its requests. */
document.addEventListener("htmx:configRequest", function (e) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) { e.detail.headers["X-CSRF-Token"] = meta.getAttribute("content"); }
});
/* A "print" button prints the page (the print stylesheet leaves only the content). */
document.addEventListener("click", function (e) {
  if (e.target && e.target.matches && e.target.matches("button[data-print]")) { window.print(); }
});
