// Suggestions for the search boxes: each input with a `list` datalist and data-complete is
// filled from /search/complete as the reader types (the page works without this script).
"use strict";
(function () {
  function attach(input) {
    var list = input.list;
    var timer = null;
    var asked = "";
    if (!list) return;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (!q || q === asked) return;
        asked = q;
        var lang = document.documentElement.lang || "en";
        fetch("/search/complete?q=" + encodeURIComponent(q) + "&lang=" + encodeURIComponent(lang),
              { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
          .then(function (data) {
            if (q !== asked) return;
            list.replaceChildren();
            (data.suggestions || []).forEach(function (s) {
              var option = document.createElement("option");
              option.value = s.label;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 150);
    });
  }
  document.querySelectorAll("input[data-complete]").forEach(attach);
})();
