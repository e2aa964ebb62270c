/* Client-side search over the catalogue, without a framework or network access beyond the
   site itself. The index comes from search.json; where the browser refuses to fetch files
   (a site opened from disk), from assets/search-index.js, a script with the same data.
   Without JavaScript the search page says where to browse instead. */
(function () {
  "use strict";
  var root = document.body ? (document.body.getAttribute("data-root") || "") : "";
  var index = null;
  var loading = null;

  function load() {
    if (index) return Promise.resolve(index);
    if (loading) return loading;
    loading = fetch(root + "search.json")
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .catch(function () {
        return new Promise(function (resolve, reject) {
          if (window.cabinetSearchIndex) return resolve(window.cabinetSearchIndex);
          var s = document.createElement("script");
          s.src = root + "assets/search-index.js";
          s.onload = function () { resolve(window.cabinetSearchIndex); };
          s.onerror = function () { reject(new Error("no search index")); };
          document.head.appendChild(s);
        });
      })
      .then(function (data) {
        index = (data.items || []).map(function (it) {
          return { kind: it[0], ref: it[1], name: it[2], href: it[3], detail: it[4],
                   hay: (it[2] + " " + it[1] + " " + it[4]).toLowerCase() };
        });
        return index;
      });
    return loading;
  }

  /* Every word must match; names that start with the query rank first. */
  function search(items, query) {
    var words = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) return [];
    var hits = [];
    for (var i = 0; i < items.length; i++) {
      var it = items[i], ok = true;
      for (var w = 0; w < words.length; w++) {
        if (it.hay.indexOf(words[w]) < 0) { ok = false; break; }
      }
      if (!ok) continue;
      var name = it.name.toLowerCase(), id = it.ref.slice(it.ref.indexOf(":") + 1).toLowerCase();
      var q = words.join(" ");
      var score = (name === q || id === q) ? 0 : (name.indexOf(q) === 0 || id.indexOf(q) === 0) ? 1 : 2;
      hits.push([score, i]);
    }
    hits.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    return hits.map(function (h) { return items[h[1]]; });
  }

  function show(query) {
    var list = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    if (!list || !status) return;
    if (!query.trim()) {
      list.textContent = "";
      status.textContent = "Type a name, an id, a team or a CI type.";
      return;
    }
    status.textContent = "Searching…";
    load().then(function (items) {
      var hits = search(items, query);
      var limit = 200;
      list.textContent = "";
      hits.slice(0, limit).forEach(function (it) {
        var li = document.createElement("li");
        var tag = document.createElement("span");
        tag.className = "kind-tag";
        tag.textContent = it.kind;
        var a = document.createElement("a");
        a.href = root + it.href;
        a.textContent = it.name;
        var code = document.createElement("code");
        code.textContent = it.ref;
        li.appendChild(tag);
        li.appendChild(a);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(code);
        if (it.detail) {
          var d = document.createElement("span");
          d.className = "detail";
          d.textContent = " · " + it.detail;
          li.appendChild(d);
        }
        list.appendChild(li);
      });
      status.textContent = hits.length === 0 ? "Nothing matches “" + query + "”."
        : hits.length > limit ? hits.length + " matches; the first " + limit + " are shown."
        : hits.length + (hits.length === 1 ? " match." : " matches.");
    }).catch(function () {
      status.textContent = "The search index could not be loaded. Browse from the home page instead.";
    });
  }

  function start() {
    var input = document.getElementById("q");
    var onSearchPage = !!document.getElementById("search-results");
    if (onSearchPage) {
      var params = new URLSearchParams(window.location.search);
      var q = params.get("q") || "";
      if (input) {
        input.value = q;
        var timer = null;
        input.addEventListener("input", function () {
          clearTimeout(timer);
          timer = setTimeout(function () {
            show(input.value);
            if (window.history && window.history.replaceState) {
              var url = new URL(window.location.href);
              url.searchParams.set("q", input.value);
              try { window.history.replaceState(null, "", url.toString()); } catch (e) { /* file:// */ }
            }
          }, 120);
        });
        if (!q) input.focus();
      }
      show(q);
    }
    /* "/" jumps to the search box, as on most documentation sites. */
    document.addEventListener("keydown", function (e) {
      var t = e.target && e.target.tagName;
      if (e.key === "/" && input && t !== "INPUT" && t !== "TEXTAREA" && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        input.focus();
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
