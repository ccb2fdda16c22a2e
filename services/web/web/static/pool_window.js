/* The pool page refreshes its figures while it is open: every few seconds (the
 * container's data-refresh-seconds) it asks data-refresh-url for the products part as it
 * stands now and swaps it in. Without this script the page shows the pool as it was when
 * loaded. Nothing is asked while the tab is hidden; an answer other than 200 (signed out,
 * pooling down) stops the refresh until the page is loaded again.
 */
(function () {
  "use strict";

  var box = document.getElementById("pool-window");
  if (!box || !window.fetch) {
    return;
  }
  var seconds = Number(box.getAttribute("data-refresh-seconds")) || 30;
  var url = box.getAttribute("data-refresh-url");
  var timer = null;

  function refresh() {
    timer = null;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("refresh answered " + response.status);
        }
        return response.json();
      })
      .then(function (body) {
        box.innerHTML = body.html;
        plan();
      })
      .catch(function () {
        /* stopped: the page keeps what it shows */
      });
  }

  function plan() {
    if (timer === null && !document.hidden) {
      timer = window.setTimeout(refresh, seconds * 1000);
    }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden && timer !== null) {
      window.clearTimeout(timer);
      timer = null;
    } else if (!document.hidden) {
      refresh();
    }
  });
  plan();
})();
