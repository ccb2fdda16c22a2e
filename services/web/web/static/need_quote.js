/* The need form's quote follows what the member types: when the product or the quantity
 * changes, the form asks data-quote-url for the quote (the chosen product's packs, tiers
 * and pooled price, and what this quantity would change) and swaps it in. Without this
 * script the "Show prices" button does the same by sending the form.
 */
(function () {
  "use strict";

  var box = document.getElementById("need-quote");
  if (!box || !window.fetch || !window.URLSearchParams) {
    return;
  }
  var form = box.closest("form");
  var sku = form.querySelector("#sku");
  var quantity = form.querySelector("#quantity");
  var timer = null;
  var asked = 0;

  function ask() {
    timer = null;
    var mine = ++asked;
    var query = new URLSearchParams({ sku: sku.value, quantity: quantity.value });
    fetch(box.getAttribute("data-quote-url") + "?" + query.toString(), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("quote answered " + response.status);
        }
        return response.json();
      })
      .then(function (body) {
        if (mine === asked) {
          box.innerHTML = body.html;
        }
      })
      .catch(function () {
        /* the button still shows the prices */
      });
  }

  function soon() {
    if (timer !== null) {
      window.clearTimeout(timer);
    }
    timer = window.setTimeout(ask, 400);
  }

  [sku, quantity].forEach(function (field) {
    field.addEventListener("change", soon);
    field.addEventListener("input", soon);
  });
})();
