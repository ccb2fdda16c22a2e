/* Product search as you type: turns an input with data-combobox into an ARIA combobox.
 *
 * Without this script the input stays a plain text field (with its datalist), and the
 * form accepts a SKU or a product name either way. Keys: Down/Up move through the
 * suggestions, Enter picks one, Escape closes the list (or clears the field when closed).
 */
(function () {
  "use strict";

  function setUp(input) {
    var listId = input.id + "-listbox";
    var list = document.createElement("ul");
    var status = document.createElement("p");
    var options = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    list.id = listId;
    list.className = "combobox-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.dataset.listLabel || "");
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);

    input.removeAttribute("list");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");
    input.parentElement.classList.add("combobox");

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    }

    function pick(index) {
      input.value = options[index].dataset.sku;
      input.dispatchEvent(new Event("change", { bubbles: true })); // the form's quote follows
      status.textContent = (input.dataset.msgPicked || "").replace("{name}", options[index].textContent);
      close();
    }

    function show(products) {
      list.textContent = "";
      options = products.map(function (product, i) {
        var option = document.createElement("li");
        option.id = listId + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.sku = product.sku;
        option.textContent = product.name + " (" + product.sku + ", " + product.unit + ")";
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the input
          pick(i);
        });
        list.appendChild(option);
        return option;
      });
      active = -1;
      list.hidden = options.length === 0;
      input.setAttribute("aria-expanded", options.length ? "true" : "false");
      var message = options.length ? input.dataset.msgFound : input.dataset.msgNone;
      status.textContent = (message || "").replace("{count}", String(options.length));
    }

    function search() {
      var term = input.value.trim();
      var ticket = ++asked;
      if (term.length < 2) {
        show([]);
        status.textContent = "";
        return;
      }
      var url = input.dataset.searchUrl + "?limit=8&q=" + encodeURIComponent(term);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : [];
        })
        .then(function (products) {
          if (ticket === asked) show(products);
        })
        .catch(function () {
          if (ticket === asked) close();
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 150);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && options.length > 0;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) return search();
        highlight(active + 1 < options.length ? active + 1 : 0);
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(active > 0 ? active - 1 : options.length - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault(); // pick, do not send the form yet
        pick(active);
      } else if (event.key === "Escape") {
        if (open) {
          event.preventDefault();
          close();
        } else {
          input.value = "";
        }
      }
    });
    input.addEventListener("blur", close);
  }

  document.querySelectorAll("input[data-combobox]").forEach(setUp);
})();
