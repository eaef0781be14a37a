/* The office's pages work without this file; with it, htmx swaps only the
   parts that change and sends the session's CSRF token with its requests. */
document.addEventListener("htmx:configRequest", function (e) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) { e.detail.headers["X-CSRF-Token"] = meta.getAttribute("content"); }
});
